"""Xiangcun settings: one module, every deployment difference comes from the environment.

Defaults give a working development site on an embedded SQLite database; production sets
DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and usually REDIS_URL (see docs/deploy.md).
"""

import os
import secrets
from decimal import Decimal
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF, UNSAFE_INLINE

# Django's generic classes (`ModelAdmin[Stock]`, `CharField[str, str]`) may be subscripted at run
# time as the type checker wants them written.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("XIANGCUN_DATA_DIR", PROJECT_DIR / "data"))
DEBUG = env_bool("DEBUG", default=True)


def _secret_key() -> str:
    """Production must set SECRET_KEY; development generates one once and keeps it."""
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    key_file = DATA_DIR / "secret_key.txt"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
# Keyed hashes of resident ID numbers use their own key so that rotating SECRET_KEY (sessions,
# signed cookies) does not orphan every lookup hash.
IDENTITY_HASH_KEY = os.environ.get("IDENTITY_HASH_KEY", SECRET_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_tasks_rq",
    "django_rq",
    "xiangcun.core",
    "xiangcun.regions",
    "xiangcun.accounts",
    "xiangcun.sellers",
    "xiangcun.ledger",
    "xiangcun.jobs",
    "xiangcun.training",
    "xiangcun.catalog",
    "xiangcun.inventory",
    "xiangcun.traceability",
    "xiangcun.payments",
    "xiangcun.shipping",
    "xiangcun.orders",
    "xiangcun.logistics",
    "xiangcun.finance",
    "xiangcun.servicecenter",
    "xiangcun.impact",
    "xiangcun.web",
]

MIDDLEWARE = [
    "xiangcun.core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "xiangcun.core.middleware.XiangcunErrorMiddleware",
]

# Reverse proxies in front of the app servers (nginx: 1); 0 ignores X-Forwarded-For.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

ROOT_URLCONF = "xiangcun.urls"
WSGI_APPLICATION = "xiangcun.wsgi.application"
ASGI_APPLICATION = "xiangcun.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "xiangcun.web.context_processors.navigation",
            ],
            # `|local`: a name in the reader's language, in every template.
            "builtins": ["xiangcun.core.templatetags.language"],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # A search's bitmap of a broad word's rows stays exact (not lossy, which re-reads and
        # re-tests whole pages) up to about a million products: docs/performance.md.
        work_mem = os.environ.get("PG_WORK_MEM", "32MB")
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c work_mem={work_mem}"
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "xiangcun.sqlite3"),
            "OPTIONS": {
                # IMMEDIATE takes the write lock when a transaction starts, so concurrent
                # writers queue on the busy timeout instead of failing with "database is locked"
                # when a read lock cannot be upgraded.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and background work -----------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "xiangcun",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# How long the storefront keeps a rendered list of cards or a product's description in the cache
# (`catalog.fragments`). Catalogue writes and saves of the rows they show make them stale at
# once; this bounds only a bulk `update()` made outside the services. 0 turns the cache off.
STOREFRONT_CACHE_SECONDS = int(os.environ.get("STOREFRONT_CACHE_SECONDS", "300"))
# How long a search's count (capped at 1,000) is kept in the cache for the catalogue as it is
# (`catalog.search.backend`); a catalogue write makes it stale at once. 0 turns it off.
SEARCH_COUNT_CACHE_SECONDS = int(os.environ.get("SEARCH_COUNT_CACHE_SECONDS", "300"))

# Background work goes through Django's tasks API. The database queue is the default: it needs
# nothing beyond the database. With REDIS_URL set, tasks go to Redis and RQ workers instead
# (TASKS_BACKEND=database keeps them in the database). `xiangcun worker` runs whichever is set.
# TASKS_BACKEND=immediate runs tasks inline, as the tests do.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "redis" if REDIS_URL else "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise RuntimeError(f"TASKS_BACKEND must be one of {sorted(_TASK_BACKENDS)}")
TASK_QUEUES = ["default", "sms"]
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": TASK_QUEUES}}
RQ_QUEUES = {name: {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"} for name in TASK_QUEUES}

SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if env_bool("FAST_PASSWORD_HASHER", default=False):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Login protection: after LOGIN_MAX_FAILURES wrong passwords for a phone, a password logs in
# only with an SMS code as well, until LOGIN_LOCKOUT_SECONDS pass without a failure. Nobody is
# locked out. The owner is texted about it at most once per LOGIN_ALERT_SECONDS.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900"))
LOGIN_ALERT_SECONDS = int(os.environ.get("LOGIN_ALERT_SECONDS", "86400"))
OTP_TTL_SECONDS = 300
OTP_RESEND_SECONDS = 60
OTP_MAX_PER_HOUR = 5
OTP_MAX_ATTEMPTS = 5
# Login codes texted per client address per hour (mobile networks put many people behind one
# address, so not too low), and by the whole site per minute (a ceiling on a flood's cost).
OTP_MAX_PER_CLIENT_PER_HOUR = int(os.environ.get("OTP_MAX_PER_CLIENT_PER_HOUR", "30"))
OTP_MAX_PER_MINUTE = int(os.environ.get("OTP_MAX_PER_MINUTE", "120"))
# Finished background task rows in the database queue are deleted after this many days.
TASK_RESULTS_KEEP_DAYS = int(os.environ.get("TASK_RESULTS_KEEP_DAYS", "7"))
API_TOKEN_TTL_DAYS = int(os.environ.get("API_TOKEN_TTL_DAYS", "30"))
# Dotted path to a class with send(phone: str, message: str) -> None.
SMS_SENDER = os.environ.get("SMS_SENDER", "xiangcun.accounts.sms.ConsoleSmsSender")

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Nothing is loaded from another host: every page's resources come from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # Inline style attributes (Django admin widgets) are harmless; inline scripts are not.
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Orders and payments ------------------------------------------------------------------------

# Money in CNY as Decimal; override from the environment (e.g. ORDER_DELIVERY_FEE_HOME=6.00).
ORDER_DELIVERY_FEE_HOME = Decimal(os.environ.get("ORDER_DELIVERY_FEE_HOME", "8.00"))
ORDER_FREE_DELIVERY_OVER = Decimal(os.environ.get("ORDER_FREE_DELIVERY_OVER", "99.00"))
# The platform's share of each seller's goods, rounded ROUND_HALF_UP per seller per order.
ORDER_COMMISSION_RATE = Decimal(os.environ.get("ORDER_COMMISSION_RATE", "0.05"))
# Unpaid online orders are cancelled after the payment window; cash orders are held longer.
PAYMENT_WINDOW_MINUTES = int(os.environ.get("PAYMENT_WINDOW_MINUTES", "30"))
ORDER_CASH_HOLD_HOURS = int(os.environ.get("ORDER_CASH_HOLD_HOURS", "72"))
# The sandbox provider lets anyone holding a payment number approve it: demos only.
PAYMENTS_SANDBOX_ENABLED = env_bool("PAYMENTS_SANDBOX_ENABLED", default=DEBUG)
# WeChat Pay API v3 is on when a merchant id is set (see docs/deploy.md for the other keys).
WECHATPAY_MCHID = os.environ.get("WECHATPAY_MCHID", "")
WECHATPAY_APPID = os.environ.get("WECHATPAY_APPID", "")
WECHATPAY_PRIVATE_KEY = os.environ.get("WECHATPAY_PRIVATE_KEY", "")
WECHATPAY_CERT_SERIAL_NO = os.environ.get("WECHATPAY_CERT_SERIAL_NO", "")
WECHATPAY_APIV3_KEY = os.environ.get("WECHATPAY_APIV3_KEY", "")
WECHATPAY_PUBLIC_KEY = os.environ.get("WECHATPAY_PUBLIC_KEY", "")
WECHATPAY_PUBLIC_KEY_ID = os.environ.get("WECHATPAY_PUBLIC_KEY_ID", "")
WECHATPAY_CERT_DIR = os.environ.get("WECHATPAY_CERT_DIR", "")
WECHATPAY_NOTIFY_URL = os.environ.get("WECHATPAY_NOTIFY_URL", "")
# Paying inside WeChat's own browser (JSAPI) needs the buyer's openid for the official account
# WECHATPAY_APPID names; WeChat's web sign-in gives it, with the account's app secret.
WECHAT_OAUTH_SECRET = os.environ.get("WECHAT_OAUTH_SECRET", "")
WECHAT_OAUTH_AUTHORIZE_URL = os.environ.get(
    "WECHAT_OAUTH_AUTHORIZE_URL", "https://open.weixin.qq.com/connect/oauth2/authorize"
)
WECHAT_OAUTH_API_URL = os.environ.get("WECHAT_OAUTH_API_URL", "https://api.weixin.qq.com")

# --- Finance --------------------------------------------------------------------------------------
# A sale becomes payable to its seller this many days after the order is completed.
FINANCE_SETTLEMENT_DAYS = int(os.environ.get("FINANCE_SETTLEMENT_DAYS", "7"))
# Where a seller's payouts go until they give an account: simulated, bank or wechat.
FINANCE_PAYOUT_DEFAULT_METHOD = os.environ.get("FINANCE_PAYOUT_DEFAULT_METHOD", "simulated")
# How a borrower repays online: WeChat Pay when it is configured, the sandbox in demos.
FINANCE_ONLINE_PROVIDER = os.environ.get(
    "FINANCE_ONLINE_PROVIDER",
    "wechat" if WECHATPAY_MCHID or not PAYMENTS_SANDBOX_ENABLED else "sandbox",
)
# Days before a due date the borrower is texted; the largest single repayment taken (CNY).
FINANCE_REMINDER_DAYS_BEFORE = int(os.environ.get("FINANCE_REMINDER_DAYS_BEFORE", "3"))
FINANCE_REPAYMENT_MAX = Decimal(os.environ.get("FINANCE_REPAYMENT_MAX", "1000000"))

# --- Traceability ---------------------------------------------------------------------------------
# Our GS1 company prefix (GTINs, SGLNs, lot EPCs). The default is a placeholder for the demo:
# a real deployment sets the prefix GS1 China assigned to the programme.
GS1_COMPANY_PREFIX = os.environ.get("GS1_COMPANY_PREFIX", "6975858")
# The host printed in QR codes (GS1 Digital Link); our own site answers /01/<gtin>/10/<lot>.
DIGITAL_LINK_RESOLVER = os.environ.get(
    "DIGITAL_LINK_RESOLVER",
    f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
    if DEBUG
    else "https://id.xiangcun.example",
)
