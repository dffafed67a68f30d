"""Serve the bench catalogue's storefront with gunicorn as production would, for a side-by-side
load test with another shop (`../shared/tools/peer-oscar/compare.py`).

    .venv/bin/python bench/page_serve.py --port 8010 --paths-json /tmp/xiangcun-paths.json
    # then, with peer-oscar's Oscar on 8001 (see docs/performance.md, "Storefront pages"):
    python3 compare.py --a http://127.0.0.1:8001 --b http://127.0.0.1:8010 ...

2 sync workers, `DEBUG=0`, hashed static names, the catalogue `bench/search_bench.py` built
(`--data-dir`, or `DATABASE_URL` for PostgreSQL), and a shared Redis cache as production has it
(`--redis`; the workers must share the storefront's fragments and the catalogue's version).
Writes the category, product and search paths to `--paths-json` and runs gunicorn in the
foreground (its PID is this process's: stop it with `kill PID`).
"""

import argparse
import json
import os
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8010)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/xiangcun-bench"))
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11", help="'' for none")
    parser.add_argument("--paths-json", type=Path, help="write the paths to compare here")
    args = parser.parse_args()
    env = {
        "DJANGO_SETTINGS_MODULE": "xiangcun.settings",
        "XIANGCUN_DATA_DIR": str(args.data_dir),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(args.data_dir / "static"),
        "REDIS_URL": args.redis,
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    from xiangcun.catalog.models import Category, Product

    if not (args.data_dir / "static" / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    # The figures are for the catalogue as it is: start with no fragments of an earlier run.
    if args.redis:
        cache.delete_pattern("*")  # type: ignore[attr-defined]  # django-redis, our own db only
    listed = Product.objects.filter(status=Product.Status.LISTED)
    top = Category.objects.filter(parent=None).order_by("position", "id").values_list("slug")
    paths = {
        "category": f"/shop/c/{top[0][0]}/",
        # A product from the middle of the catalogue, as peer-oscar's detail path is.
        "detail": f"/shop/p/{listed.order_by('id').values_list('id', flat=True)[50_000]}/",
        "search": f"/shop/search/?q={quote('蜂蜜')}",
    }
    print(json.dumps(paths, ensure_ascii=False))
    if args.paths_json:
        args.paths_json.write_text(json.dumps(paths, ensure_ascii=False))
    sys.stdout.flush()
    gunicorn = str(ROOT / ".venv" / "bin" / "gunicorn")
    os.execv(  # our own venv's gunicorn, fixed arguments
        gunicorn,
        [
            gunicorn,
            "xiangcun.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--chdir",
            str(ROOT),
            "--log-level",
            "warning",
            # As peer-oscar's serve.sh: on a loaded machine a worker's first requests (templates,
            # the segmenter's dictionary) can pass gunicorn's default 30 s and get it killed.
            "--timeout",
            "120",
        ],
    )


if __name__ == "__main__":
    main()
