"""Impact figures at a million orders: generate a year of the programme, rebuild the daily facts,
time the dashboard and the API, on SQLite or PostgreSQL.

    .venv/bin/python bench/impact_bench.py                        # 1,000,000 orders, SQLite in /tmp
    .venv/bin/python bench/impact_bench.py --orders 20000 --fresh # a quick run
    .venv/bin/python bench/impact_bench.py \\
        --database-url postgres://postgres@127.0.0.1:5432/xc_bench_impact
    .venv/bin/python bench/impact_bench.py --phase measure        # reuse the data and the facts

Phases (`--phase all` runs them in order):

- `generate`: migrates, loads the Danzhai demo's county, townships, villages and stations (as
  `xiangcun demo` does), its roles, logins, shops and catalogue, then generates with a seed:
  30,000 residents in the county's villages (most with a login, some moved village during the
  year, a few test and staff accounts), households (about a quarter registered poor), local shops
  owned by residents and shops outside the county with their products (some certified
  poverty-alleviation products), N orders over 365 days ending yesterday (paid; most completed;
  some cancelled before payment, some fully or partly refunded; 上行 to buyers in other counties,
  下行 from outside shops to residents, local, a few outside to outside; some placed by agents for
  residents at a station), job postings with hires, course certificates (some revoked), loans
  with their instalments (some overdue), and weekly seller payouts. Rows go straight into the
  apps' tables with bulk_create, day by day.
- `rebuild`: `facts_rebuild` over the whole year (timed), then `facts_rebuild_day` of a busy
  day and of an ordinary one, three times each (timed; idempotent).
- `measure`: p50/p95 server time of `/impact/` and of `GET /api/v1/impact/summary` for a set of
  filters (county, a township, a village, a month, a year, a product type, a township's month),
  in-process through Django's whole stack (the test client: middleware, routing, view, templates
  or ninja; no socket), with `DEBUG=0` as production runs; page and API requests alternate so load
  from elsewhere hits both alike. The other impact pages and API routes are timed for the county.

Never part of the test suite or CI: it writes a million rows. Results and the machine they came
from go in docs/performance.md ("Impact at a million orders").
"""

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = Path("/tmp/xiangcun-impact-bench")
MARKER_PHONE = "15000000000"  # the first generated resident: the data is there

# Counties elsewhere in China that 上行 parcels go to (GB/T 2260).
OUTSIDE_COUNTIES = (
    "110105", "110108", "310115", "310104", "440106", "440305", "330106", "330102",
    "320106", "510107", "500103", "420106", "520102", "520115", "430104", "370102",
)  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐潘杨龙吴石欧"
GIVEN = "明华英芳军平丽强伟秀兰萍敏静霞燕玉春梅金银花山林海云"


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Setup ------------------------------------------------------------------------------------


def _postgres_prepare(url: str, *, fresh: bool) -> None:
    """Create the bench database if it is missing (drop it first with --fresh)."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _setup(args: argparse.Namespace) -> None:
    env = {
        "DJANGO_SETTINGS_MODULE": "xiangcun.settings",
        "XIANGCUN_DATA_DIR": str(args.data_dir),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        # Production serves hashed static names from a manifest: collected once, here.
        "STATIC_ROOT": str(args.data_dir / "static"),
    }
    args.data_dir.mkdir(parents=True, exist_ok=True)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
        _postgres_prepare(args.database_url, fresh=args.fresh and args.phase in ("all", "generate"))
    else:
        os.environ.pop("DATABASE_URL", None)
        db = args.data_dir / "xiangcun.sqlite3"
        if args.fresh and args.phase in ("all", "generate"):
            for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                path.unlink(missing_ok=True)
    os.environ.update(env)
    sys.path.insert(0, str(args.src))
    import django

    django.setup()


# --- Generate ---------------------------------------------------------------------------------


class World:
    """What the generator keeps between its steps (ids and a few attributes, no model objects)."""

    def __init__(self) -> None:
        self.townships: list[int] = []
        self.villages: list[tuple[int, int]] = []  # (village id, township id)
        self.stations: list[tuple[int, int, int | None]] = []  # village stations
        self.county_station: int | None = None
        self.station_by_village: dict[int, int] = {}
        self.residents: list[tuple[int, int | None, int]] = []  # (profile, user or None, village)
        self.resident_users: list[int] = []  # residents' user ids, in the buying order
        self.resident_user_village: dict[int, int] = {}
        self.outside_buyers: list[int] = []
        self.test_users: list[int] = []
        self.staff_users: list[int] = []
        self.agents: list[int] = []
        self.local_sellers: list[int] = []
        self.outside_sellers: list[int] = []
        self.seller_owner: dict[int, int] = {}
        # seller id -> [(variant id, product id, name, sku, unit, price)]
        self.goods: dict[int, list[tuple[int, int, str, str, str, Decimal]]] = {}
        self.phone_of: dict[int, str] = {}


def _skewed(rng: random.Random, items: list[Any], power: float = 2.2) -> Any:
    """A few items chosen very often, most now and then, some never (index ~ U^power)."""
    return items[int(len(items) * rng.random() ** power)]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def _china_midnight(day: datetime.date) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _base_load() -> None:
    """The county and the demo's roles, logins, shops and catalogue, as `xiangcun demo` loads
    them (the bench needs the places, the programme manager and the categories)."""
    from django.core.management import call_command
    from django.db import transaction

    from xiangcun.accounts import services as accounts_services
    from xiangcun.catalog import services as catalog_services
    from xiangcun.regions import services as regions_services
    from xiangcun.sellers import services as sellers_services

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        regions_services.danzhai_demo_load()
        accounts_services.roles_sync()
        accounts_services.demo_users_ensure(password="bench-not-a-password")
        sellers = sellers_services.sellers_demo_load()
        catalog_services.catalog_demo_load(sellers=sellers)


def _people(rng: random.Random, world: World, residents: int) -> None:
    from xiangcun.accounts.models import Household, ResidentMove, ResidentProfile, User
    from xiangcun.regions.models import Station, Village

    world.villages = list(Village.objects.order_by("code").values_list("pk", "township_id"))
    world.townships = sorted({t for _, t in world.villages})
    for pk, kind, village_id in Station.objects.order_by("code").values_list(
        "pk", "kind", "village_id"
    ):
        if kind == Station.Kind.VILLAGE_STATION and village_id:
            world.stations.append((pk, village_id, None))
            world.station_by_village.setdefault(village_id, pk)
        elif kind == Station.Kind.SERVICE_CENTRE:
            world.county_station = pk
    world.county_station = world.county_station or world.stations[0][0]
    joined = _china_midnight(_today() - datetime.timedelta(days=400))

    def users(prefix: str, count: int, **fields: Any) -> list[int]:
        rows = [
            User(
                phone=f"{prefix}{i:0{11 - len(prefix)}d}",
                name=_name(rng),
                password="!bench",  # unusable: nobody logs in as a generated person
                date_joined=joined,
                **fields,
            )
            for i in range(count)
        ]
        made = User.objects.bulk_create(rows, batch_size=2000)
        for user in made:
            world.phone_of[user.pk] = user.phone
        return [user.pk for user in made]

    with_login = int(residents * 0.75)
    resident_users = users("15", with_login)
    world.outside_buyers = users("16", max(2000, residents * 4 // 3))
    outside_owners = users("17", max(20, residents // 150))
    world.agents = users("18", 20)
    world.test_users = users("190", 40, is_test=True)
    world.staff_users = users("191", 10, is_staff=True)
    world.seller_owner = dict.fromkeys(outside_owners, 0)  # filled in by _shops

    # Villages of different sizes; households of 1 to 6 people in one village.
    weights = [rng.uniform(0.4, 2.0) for _ in world.villages]
    households: list[Household] = []
    members: list[tuple[int, int]] = []  # (village index, household index) per resident
    while len(members) < residents:
        v = rng.choices(range(len(world.villages)), weights)[0]
        poor = rng.random() < 0.27
        households.append(
            Household(
                village_id=world.villages[v][0],
                head_name=_name(rng),
                registered_poor=poor,
                register_number=f"52263{len(households):09d}" if poor else "",
            )
        )
        for _ in range(rng.choice((1, 2, 3, 3, 4, 4, 5, 6))):
            members.append((v, len(households) - 1))
    members = members[:residents]
    household_ids = [h.pk for h in Household.objects.bulk_create(households, batch_size=2000)]
    logins = resident_users + world.test_users[:20] + world.staff_users[:5]
    profiles = []
    for i, (v, h) in enumerate(members):
        user_id = logins[i] if i < len(logins) else None
        profiles.append(
            ResidentProfile(
                user_id=user_id,
                name=_name(rng),
                phone=world.phone_of.get(user_id or 0, ""),
                village_id=world.villages[v][0],
                household_id=household_ids[h],
                id_number_masked=f"5226**********{i % 10000:04d}",
            )
        )
    made = ResidentProfile.objects.bulk_create(profiles, batch_size=2000)
    counted = set(resident_users)
    for profile in made:
        world.residents.append((profile.pk, profile.user_id, profile.village_id))
        if profile.user_id in counted:
            world.resident_users.append(profile.user_id)
            world.resident_user_village[profile.user_id] = profile.village_id
    rng.shuffle(world.resident_users)
    rng.shuffle(world.residents)
    # About 1 % moved village during the year: the profile says where they live now.
    start = _today() - datetime.timedelta(days=365)
    moves = []
    for pk, _user, village_id in rng.sample(world.residents, len(world.residents) // 100):
        other = rng.choice(world.villages)[0]
        if other != village_id:
            moves.append(
                ResidentMove(
                    resident_id=pk,
                    from_village_id=other,
                    to_village_id=village_id,
                    moved_on=start + datetime.timedelta(days=rng.randrange(365)),
                )
            )
    ResidentMove.objects.bulk_create(moves, batch_size=2000)
    poor_count = sum(h.registered_poor for h in households)
    _log(
        f"people: {len(made)} residents ({len(world.resident_users)} with a login), "
        f"{len(households)} households ({poor_count} registered poor), {len(moves)} moves, "
        f"{len(world.outside_buyers)} buyers outside the county"
    )


def _shops(rng: random.Random, world: World, residents: int) -> None:
    from xiangcun.catalog.models import Category, Certification, Product, Variant
    from xiangcun.sellers.models import PoorHouseholdLink, Seller

    up = list(
        Category.objects.filter(parent__isnull=False, direction="up").values_list("pk", flat=True)
    )
    down = list(
        Category.objects.filter(parent__isnull=False, direction="down").values_list("pk", flat=True)
    )
    village_township = dict(world.villages)
    local_count = max(20, residents // 20)  # 1,500 shops for 30,000 residents
    owners = rng.sample(world.resident_users, local_count)
    kinds = ["farmer"] * 6 + ["cooperative"] * 2 + ["craft_maker"] * 2
    sellers = []
    for i, owner in enumerate(owners):
        village = world.resident_user_village[owner]
        sellers.append(
            Seller(
                owner_id=owner,
                kind=rng.choice(kinds),
                status="approved",
                name=f"{_name(rng)}的小店 {i}",
                village_id=village,
                township_id=village_township[village],
            )
        )
    outside_owners = list(world.seller_owner)
    for i, owner in enumerate(outside_owners):
        sellers.append(
            Seller(
                owner_id=owner,
                kind="industrial_maker",
                status="approved",
                name=f"外地商行 {i}",
                origin_text="贵阳",
            )
        )
    made = Seller.objects.bulk_create(sellers, batch_size=2000)
    world.local_sellers = [s.pk for s in made[:local_count]]
    world.outside_sellers = [s.pk for s in made[local_count:]]
    world.seller_owner = {s.pk: s.owner_id for s in made}
    rng.shuffle(world.local_sellers)
    rng.shuffle(world.outside_sellers)

    products: list[Product] = []
    prices: list[Decimal] = []
    owners_of: list[int] = []
    now = _china_midnight(_today() - datetime.timedelta(days=380))
    for seller_id, count, categories, direction in [
        *((s, 3, up, "up") for s in world.local_sellers),
        *((s, 10, down, "down") for s in world.outside_sellers),
    ]:
        for k in range(count):
            products.append(
                Product(
                    seller_id=seller_id,
                    category_id=rng.choice(categories),
                    name=f"{'土特产' if direction == 'up' else '日用品'} {seller_id}-{k}",
                    direction=direction,
                    status="listed",
                    listed_at=now,
                )
            )
            prices.append(Decimal(rng.randrange(990, 19900)) / 100)
            owners_of.append(seller_id)
    made_products = Product.objects.bulk_create(products, batch_size=2000)
    variants = [
        Variant(
            product_id=p.pk,
            sku=f"BENCH-{p.pk}",
            name="标准装",
            unit="piece",
            price=price,
        )
        for p, price in zip(made_products, prices, strict=True)
    ]
    made_variants = Variant.objects.bulk_create(variants, batch_size=2000)
    for p, v in zip(made_products, made_variants, strict=True):
        world.goods.setdefault(p.seller_id, []).append((v.pk, p.pk, p.name, v.sku, v.unit, v.price))
    # A third of the county's products are certified poverty-alleviation products, from some
    # day in the year (some earlier, some only for a while).
    start = _today() - datetime.timedelta(days=365)
    certificates = []
    for p in made_products:
        if p.direction == "up" and rng.random() < 0.33:
            valid_from = start + datetime.timedelta(days=rng.randrange(-200, 300))
            certificates.append(
                Certification(
                    kind="poverty_alleviation",
                    product_id=p.pk,
                    certificate_number=f"FP-{p.pk}",
                    issuer="丹寨县扶贫办",
                    valid_from=valid_from,
                    valid_until=(
                        valid_from + datetime.timedelta(days=365) if rng.random() < 0.5 else None
                    ),
                )
            )
    Certification.objects.bulk_create(certificates, batch_size=2000)
    # Co-operatives buy from registered poor households of their township.
    from xiangcun.accounts.models import Household

    poor = list(Household.objects.filter(registered_poor=True).values_list("pk", flat=True))
    links = {
        (s.pk, rng.choice(poor))
        for s in made[:local_count]
        if s.kind == "cooperative"
        for _ in range(3)
    }
    PoorHouseholdLink.objects.bulk_create(
        [PoorHouseholdLink(seller_id=s, household_id=h, relation="supplier") for s, h in links],
        batch_size=2000,
    )
    _log(
        f"shops: {len(world.local_sellers)} local, {len(world.outside_sellers)} outside; "
        f"{len(made_products)} products, {len(certificates)} certified"
    )


def _day_counts(rng: random.Random, days: list[datetime.date], total: int) -> list[int]:
    """Orders per day: a season, busier weekends, and the 11 November and 12 December sales."""
    import math

    weights = []
    for i, day in enumerate(days):
        w = 1 + 0.25 * math.sin(2 * math.pi * i / 365) + (0.2 if day.weekday() >= 5 else 0)
        if (day.month, day.day) in ((11, 11), (12, 12)):
            w *= 3
        weights.append(w * rng.uniform(0.9, 1.1))
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % len(counts)] += 1
    return counts


Line = tuple[int, tuple[Any, ...], int]  # (seller, goods, quantity)


class Table:
    """Rows for one model's table, written with one `executemany` per flush.

    A million orders through bulk_create spend most of their time compiling SQL per object
    (about 0.5 ms an order with its lines on this machine), so orders, lines, refunds and
    assisted orders go in as plain tuples: every concrete column, defaults from the model,
    ids handed out here (the sequences are set after the load), timestamps adapted the way
    Django stores them."""

    def __init__(self, model: Any) -> None:
        from django.db import connection
        from django.db.models import DateTimeField, Max

        self.model = model
        fields = model._meta.concrete_fields
        self.names = [f.attname for f in fields]
        # "" for text columns without a default, None for the rest (as a model instance has).
        self.defaults = {f.attname: f.get_default() for f in fields}
        self.datetimes = [i for i, f in enumerate(fields) if isinstance(f, DateTimeField)]
        self.adapt = connection.ops.adapt_datetimefield_value
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        self.sql = f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({marks})"
        self.next_id = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        self.rows: list[list[Any]] = []
        self.count = 0

    def add(self, **values: Any) -> int:
        pk = self.next_id
        self.next_id += 1
        row = {**self.defaults, "id": pk, **values}
        out = [row[name] for name in self.names]
        for i in self.datetimes:
            if out[i] is not None:
                out[i] = self.adapt(out[i])
        self.rows.append(out)
        return pk

    def flush(self) -> None:
        from django.db import connection

        if self.rows:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.rows)
            self.count += len(self.rows)
            self.rows = []

    def sequence_reset(self) -> None:
        from django.core.management.color import no_style
        from django.db import connection

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [self.model]):
                cursor.execute(sql)


class OrderMaker:
    """Makes one day's orders at a time, then writes them with their lines, refunds and the
    agents' assisted-order rows."""

    FEES = (Decimal("0.00"), Decimal("0.00"), Decimal("8.00"), Decimal("12.00"))

    def __init__(self, rng: random.Random, world: World) -> None:
        from django.utils import timezone

        from xiangcun.orders.models import Order, OrderLine, ReturnLine, ReturnRequest
        from xiangcun.servicecenter.models import AssistedOrder

        self.rng, self.world = rng, world
        self.now = timezone.now()
        self.village_township = dict(world.villages)
        self.cancelled = 0
        self.orders, self.lines = Table(Order), Table(OrderLine)
        self.returns, self.return_lines = Table(ReturnRequest), Table(ReturnLine)
        self.assisted = Table(AssistedOrder)

    def _lines(self, sellers: list[int]) -> list[Line]:
        rng = self.rng
        seller = _skewed(rng, sellers, 1.8)
        n = rng.choices((1, 2, 3), (70, 22, 8))[0]
        goods = self.world.goods[seller]
        chosen = rng.sample(goods, min(n, len(goods)))
        lines = [(seller, g, rng.choice((1, 1, 1, 2, 2, 3, 5))) for g in chosen]
        if n > 1 and rng.random() < 0.15:  # a second shop in the same order
            other = rng.choice(sellers)
            lines[-1] = (other, rng.choice(self.world.goods[other]), 1)
        return lines

    def _resident_buys(self, r: float, fields: dict[str, Any]) -> tuple[list[Line], int | None]:
        """下行 (goods from outside) or local: the resident's order, delivery and place."""
        rng, world = self.rng, self.world
        outside = r < 0.72
        lines = self._lines(world.outside_sellers if outside else world.local_sellers)
        if rng.random() < 0.05:  # goods of both kinds in one order
            extra = self._lines(world.local_sellers if outside else world.outside_sellers)[0]
            if extra[1][0] not in {g[0] for _, g, _ in lines}:
                lines.append(extra)
        if rng.random() < 0.08:  # an agent orders at a station for a resident
            pk, user_id, village = _skewed(rng, world.residents, 1.5)
            fields.update(
                buyer_id=user_id,
                placed_by_id=rng.choice(world.agents),
                payment_method="cash",
                delivery_method="station_pickup",
                station_id=world.station_by_village.get(village, world.stations[0][0]),
            )
            return lines, pk
        buyer = _skewed(rng, world.resident_users, 1.5)
        village = world.resident_user_village[buyer]
        fields["buyer_id"] = buyer
        d = rng.random()
        if d < 0.5:
            fields["delivery_method"] = "station_pickup"
            fields["station_id"] = world.station_by_village.get(
                village, rng.choice(world.stations)[0]
            )
        elif d < 0.55:
            fields.update(delivery_method="shop_pickup", station_id=world.county_station)
        else:
            fields.update(
                village_id=village,
                township_id=self.village_township[village],
                county_code="" if d < 0.9 else "522636",
            )
        return lines, None

    def order(self, day: datetime.date, seq: int) -> None:
        """One order with its lines (and its refund or assisted-order row)."""
        rng, world = self.rng, self.world
        fields: dict[str, Any] = {
            "delivery_method": "home",
            "payment_method": rng.choice(("wechat", "wechat", "sandbox")),
        }
        resident_for = None
        r = rng.random()
        if r < 0.38:  # 上行: a county shop's goods to a buyer elsewhere in China
            fields["buyer_id"] = _skewed(rng, world.outside_buyers, 1.6)
            fields["county_code"] = rng.choice(OUTSIDE_COUNTIES)
            lines = self._lines(world.local_sellers)
        elif r < 0.975:  # a resident buys
            lines, resident_for = self._resident_buys(r, fields)
        elif r < 0.99:  # outside to outside: not the programme's
            fields["buyer_id"] = rng.choice(world.outside_buyers)
            fields["county_code"] = rng.choice(OUTSIDE_COUNTIES)
            lines = self._lines(world.outside_sellers)
        else:  # test and staff accounts try the shop
            fields["buyer_id"] = rng.choice(world.test_users + world.staff_users)
            fields["delivery_method"] = "station_pickup"
            fields["station_id"] = rng.choice(world.stations)[0]
            lines = self._lines(world.local_sellers)
        fields.setdefault("placed_by_id", fields["buyer_id"])
        goods_total = sum((g[5] * q for _, g, q in lines), Decimal("0.00"))
        home = fields["delivery_method"] == "home"
        fee = rng.choice(self.FEES) if home else Decimal("0.00")
        at = _china_midnight(day) + datetime.timedelta(seconds=rng.randrange(6 * 3600, 23 * 3600))
        fields.update(
            number=f"BI{day:%Y%m%d}{seq:06d}",
            recipient=_name(rng),
            phone=world.phone_of.get(fields["buyer_id"] or 0, "13900000000"),
            address_text="某路 1 号" if home else "",
            goods_total=goods_total,
            delivery_fee=fee,
            total=goods_total + fee,
            created_at=at,
            updated_at=at,
        )
        fate = rng.random()
        refund = 0
        if fate < 0.03:  # never paid
            fields["status"] = "cancelled"
            fields["cancelled_at"] = fields["updated_at"] = at + datetime.timedelta(minutes=30)
            self.cancelled += 1
        else:
            paid = fields["paid_at"] = at + datetime.timedelta(minutes=rng.randrange(1, 20))
            done = paid + datetime.timedelta(hours=rng.randrange(60, 200))
            fields["updated_at"] = paid
            if done < self.now:
                fields.update(status="completed", completed_at=done, updated_at=done)
            else:
                fields["status"] = rng.choice(("paid", "packing", "shipped", "delivered"))
            if fate < 0.08 and done < self.now:  # refunded after delivery, whole or part
                # As `return_refunded` leaves it: the order is "refunded" after any refund.
                fields["status"] = "refunded"
                refund = 2 if fate < 0.06 else 1
        order_id = self.orders.add(**fields)
        completed = "completed_at" in fields
        line_ids: list[tuple[int, int]] = []
        for seller, g, q in lines:
            # A whole refund takes every unit back; a part refund one unit of the first line.
            returned = q if refund == 2 else int(refund == 1 and not line_ids)
            line_ids.append(
                (
                    self.lines.add(
                        order_id=order_id,
                        seller_id=seller,
                        variant_id=g[0],
                        product_id=g[1],
                        product_name=g[2],
                        variant_name="标准装",
                        sku=g[3],
                        unit=g[4],
                        unit_price=g[5],
                        quantity=q,
                        line_total=g[5] * q,
                        returned_quantity=returned,
                        fulfilment="shipped" if completed else "open",
                    ),
                    returned,
                )
            )
        if refund:
            when = min(fields["completed_at"] + datetime.timedelta(days=2), self.now)
            request_id = self.returns.add(
                order_id=order_id,
                reason="undelivered" if refund == 2 else "damaged",
                status="refunded",
                amount=fields["total"] if refund == 2 else lines[0][1][5],
                refund_number=f"RF{order_id}",
                created_at=when,
                updated_at=when,
            )
            for line_id, returned in line_ids:
                if returned:
                    self.return_lines.add(
                        request_id=request_id, order_line_id=line_id, quantity=returned
                    )
        if resident_for is not None:
            self.assisted.add(
                order_id=order_id,
                resident_id=resident_for,
                agent_id=fields["placed_by_id"],
                station_id=fields["station_id"],
                payment="cash",
                idempotency_key=f"bench-{order_id}",
                fingerprint="bench",
                created_at=at,
            )

    def tables(self) -> list[Table]:
        return [self.orders, self.lines, self.returns, self.return_lines, self.assisted]

    def write(self) -> None:
        from django.db import transaction

        with transaction.atomic():
            for table in self.tables():
                table.flush()


def _orders(rng: random.Random, world: World, total: int, days: list[datetime.date]) -> None:
    from tqdm import tqdm

    maker = OrderMaker(rng, world)
    counts = _day_counts(rng, days, total)
    with tqdm(total=total, desc="orders", unit="order", mininterval=5) as bar:
        for day, count in zip(days, counts, strict=True):
            for seq in range(count):
                maker.order(day, seq)
            if len(maker.orders.rows) >= 5000:
                maker.write()
            bar.update(count)
        maker.write()
    for table in maker.tables():
        table.sequence_reset()
    _log(
        f"orders: {maker.orders.count} ({maker.cancelled} cancelled, {maker.returns.count} "
        f"refunded, {maker.assisted.count} placed by agents), {maker.lines.count} lines"
    )


def _jobs(rng: random.Random, world: World, days: list[datetime.date], residents: int) -> None:
    from xiangcun.jobs.models import Application, Employment, Posting

    roles = ("driver", "courier", "packer", "warehouse", "agent", "other")
    postings = []
    for i in range(max(10, residents // 200)):
        opens = days[rng.randrange(len(days) - 30)]
        wage = rng.randrange(2200, 4500, 100)
        postings.append(
            Posting(
                title=f"招聘 {i}",
                role=(role := rng.choice(roles)),
                role_other="采茶工" if role == "other" else "",
                township_id=rng.choice(world.townships),
                wage_min=wage,
                wage_max=wage + 800,
                headcount=rng.randrange(5, 30),
                opens_on=opens,
                closes_on=opens + datetime.timedelta(days=rng.randrange(20, 60)),
                status="closed",
                created_by_id=rng.choice(world.agents),
            )
        )
    made = Posting.objects.bulk_create(postings)
    hires = residents * 1900 // 30000
    people = rng.sample(world.resident_users, hires - hires // 20)
    people += rng.sample(world.outside_buyers, hires // 20)  # some hires live elsewhere
    village_township = dict(world.villages)
    applications, employments = [], []
    for i, user_id in enumerate(people):
        posting = made[i % len(made)]
        village = world.resident_user_village.get(user_id, world.villages[0][0])
        applications.append(
            Application(
                posting_id=posting.pk,
                name=_name(rng),
                phone=world.phone_of[user_id],
                village_id=village,
                township_id=village_township[village],
                user_id=user_id,
                source=rng.choice(("online", "agent", "fair")),
                entered_by_id=rng.choice(world.agents),
                status="hired",
            )
        )
    made_applications = Application.objects.bulk_create(applications, batch_size=2000)
    today = _today()
    for i, (application, user_id) in enumerate(zip(made_applications, people, strict=True)):
        posting = made[i % len(made)]
        start = posting.opens_on + datetime.timedelta(days=rng.randrange(7, 40))
        employments.append(
            Employment(
                application_id=application.pk,
                posting_id=posting.pk,
                user_id=user_id,
                start_date=min(start, today - datetime.timedelta(days=1)),
                monthly_wage=rng.randrange(posting.wage_min, posting.wage_max + 1, 50),
                hired_by_id=rng.choice(world.agents),
            )
        )
    Employment.objects.bulk_create(employments, batch_size=2000)
    _log(f"jobs: {len(made)} postings, {len(employments)} hires")


def _training(rng: random.Random, world: World, days: list[datetime.date], residents: int) -> None:
    from xiangcun.training.models import Certificate, Course

    courses = Course.objects.bulk_create(
        [
            Course(slug=f"bench-{area}-{k}", area=area, title=f"课程 {area} {k}")
            for area in ("ecommerce", "food_safety", "sales")
            for k in range(2)
        ]
    )
    certificates = []
    holders = rng.sample(world.resident_users, residents * 7 // 30)
    holders += rng.sample(world.outside_buyers, residents // 100)
    for i, holder in enumerate(holders):
        for course in rng.sample(courses, rng.choice((1, 1, 1, 2))):
            revoked = rng.random() < 0.02
            certificates.append(
                Certificate(
                    code=f"B{i:07d}{course.pk:04d}",
                    holder_id=holder,
                    course_id=course.pk,
                    issued_on=rng.choice(days),
                    revoked=revoked,
                    revoked_reason="作弊" if revoked else "",
                )
            )
    Certificate.objects.bulk_create(certificates, batch_size=2000)
    _log(f"training: {len(certificates)} certificates for {len(holders)} people")


def _finance(rng: random.Random, world: World, days: list[datetime.date]) -> None:
    from django.utils import timezone

    from xiangcun.finance.models import Instalment, Loan, LoanProduct, Payout, PayoutRun

    product = LoanProduct.objects.create(
        code="bench-micro",
        name="小额贷款",
        min_amount=Decimal("2000.00"),
        max_amount=Decimal("50000.00"),
        min_periods=6,
        max_periods=12,
        frequency="monthly",
        annual_rate=Decimal("6.000"),
        interest_method="flat",
        amortization="equal_principal",
    )
    today = timezone.localdate()
    borrowers = rng.sample(world.local_sellers, len(world.local_sellers) * 2 // 5)
    loans, schedules = [], []
    for i, seller in enumerate(borrowers):
        day = rng.choice(days)
        principal = Decimal(rng.randrange(20, 500) * 100)
        periods = rng.choice((6, 12))
        first_due = day + datetime.timedelta(days=30)
        late = rng.random() < 0.12
        closed = rng.random() < 0.15 and periods == 6 and day < today - datetime.timedelta(200)
        loans.append(
            Loan(
                number=f"BL{i:07d}",
                seller_id=seller,
                product_id=product.pk,
                status="closed" if closed else "active",
                submitted_by_id=world.seller_owner[seller],
                requested_amount=principal,
                requested_periods=periods,
                principal=principal,
                periods=periods,
                frequency="monthly",
                annual_rate=Decimal("6.000"),
                interest_method="flat",
                amortization="equal_principal",
                first_due=first_due,
                approved_by_id=rng.choice(world.agents),
                approved_at=_china_midnight(day) - datetime.timedelta(days=3),
                disbursed_at=_china_midnight(day) + datetime.timedelta(hours=10),
                closed_at=(
                    _china_midnight(first_due + datetime.timedelta(days=150)) if closed else None
                ),
            )
        )
        schedules.append((periods, principal, first_due, late, closed))
    made = Loan.objects.bulk_create(loans, batch_size=1000)
    instalments = []
    for loan, (periods, principal, first_due, late, closed) in zip(made, schedules, strict=True):
        part = (principal / periods).quantize(Decimal("0.01"))
        interest = (principal * Decimal("0.005")).quantize(Decimal("0.01"))
        for n in range(periods):
            due = first_due + datetime.timedelta(days=30 * n)
            amount = part if n < periods - 1 else principal - part * (periods - 1)
            # Paid when due, except a late borrower's instalments of the last 100 days.
            paid = closed or (due < today and not (late and due > today - datetime.timedelta(100)))
            instalments.append(
                Instalment(
                    loan_id=loan.pk,
                    number=n + 1,
                    due_date=due,
                    principal=amount,
                    interest=interest,
                    principal_paid=amount if paid else Decimal("0.00"),
                    interest_paid=interest if paid else Decimal("0.00"),
                    paid_at=_china_midnight(due) if paid else None,
                )
            )
    Instalment.objects.bulk_create(instalments, batch_size=2000)
    # A payout run every day; each local shop is paid once a week.
    runs = PayoutRun.objects.bulk_create(
        [
            PayoutRun(on=day, status="done", finished_at=_china_midnight(day))
            for day in days
            if not PayoutRun.objects.filter(on=day).exists()
        ]
    )
    payouts = []
    for index, run in enumerate(runs):
        for seller in world.local_sellers[index % 7 :: 7]:
            if rng.random() < 0.6:
                payouts.append(
                    Payout(
                        run_id=run.pk,
                        seller_id=seller,
                        amount=Decimal(rng.randrange(5000, 300000)) / 100,
                        provider="simulated",
                        status="paid",
                        attempts=1,
                        idempotency_key=f"b{run.pk}-{seller}",
                        paid_at=_china_midnight(run.on) + datetime.timedelta(hours=11),
                    )
                )
        if len(payouts) > 20000:
            Payout.objects.bulk_create(payouts, batch_size=2000)
            payouts = []
    Payout.objects.bulk_create(payouts, batch_size=2000)
    _log(
        f"finance: {len(made)} loans, {len(instalments)} instalments, "
        f"{Payout.objects.count()} payouts in {len(runs)} runs"
    )


def _analyze() -> None:
    """Planner statistics after the bulk load, as autovacuum would gather them on PostgreSQL.
    SQLite keeps none unless asked (the app does not run ANALYZE), so it is left alone."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _period(args: argparse.Namespace) -> list[datetime.date]:
    from django.utils import timezone

    end = timezone.localdate() - datetime.timedelta(days=1)
    return [end - datetime.timedelta(days=args.days - 1 - i) for i in range(args.days)]


def generate(args: argparse.Namespace) -> None:
    from django.db import connection

    from xiangcun.accounts.models import User

    _log(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    started = time.perf_counter()
    _base_load()
    if User.objects.filter(phone=MARKER_PHONE).exists():
        raise SystemExit("bench data is already in this database: use --fresh to start over")
    rng = random.Random(args.seed)
    world = World()
    days = _period(args)
    _people(rng, world, args.residents)
    _shops(rng, world, args.residents)
    _jobs(rng, world, days, args.residents)
    _training(rng, world, days, args.residents)
    _finance(rng, world, days)
    _orders(rng, world, args.orders, days)
    _analyze()
    _log(f"generated in {time.perf_counter() - started:.0f} s ({days[0]} to {days[-1]})")


# --- Rebuild ----------------------------------------------------------------------------------


def rebuild(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Count
    from tqdm import tqdm

    from xiangcun.impact.models import BuiltDay, ReachDay, SalesDay
    from xiangcun.impact.services.rebuild import facts_rebuild, facts_rebuild_day
    from xiangcun.orders.models import Order

    _log(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    days = _period(args)
    figures: dict[str, Any] = {}
    if not args.skip_full:
        with tqdm(total=len(days), desc="rebuild", unit="day", mininterval=5) as bar:
            started = time.perf_counter()
            out = facts_rebuild(since=days[0], until=days[-1], progress=bar.update)
            figures["full_s"] = time.perf_counter() - started
        figures["full_days"] = out.count
        figures["full_rows"] = out.rows
        _log(
            f"full rebuild: {out.count} days, {out.rows} rows in {figures['full_s']:.1f} s "
            f"({figures['full_s'] / max(1, out.count):.2f} s a day)"
        )
        _analyze()
    # The busiest day, and an ordinary one in the middle of the year.
    busiest = (
        Order.objects.filter(paid_at__isnull=False)
        .values("paid_at__date")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("paid_at__date", "n")
        .first()
    )
    ordinary = days[len(days) // 2]
    for label, day in (("busiest", busiest[0] if busiest else ordinary), ("ordinary", ordinary)):
        paid = Order.objects.filter(
            paid_at__gte=_china_midnight(day),
            paid_at__lt=_china_midnight(day + datetime.timedelta(days=1)),
        ).count()
        times = []
        for _ in range(args.day_repeat):
            started = time.perf_counter()
            out_day = facts_rebuild_day(day=day)
            times.append(time.perf_counter() - started)
        figures[f"day_{label}"] = {"day": day, "paid": paid, "rows": out_day.rows, "s": times}
        _log(
            f"one day's rebuild, {label} day {day} ({paid} orders paid, {out_day.rows} rows): "
            + ", ".join(f"{t:.2f}" for t in times)
            + " s"
        )
    _log(
        f"facts: {ReachDay.objects.count()} reach rows, {SalesDay.objects.count()} sales rows, "
        f"{BuiltDay.objects.count()} days built"
    )
    return figures


# --- Measure ----------------------------------------------------------------------------------


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _filters(days: list[datetime.date]) -> dict[str, dict[str, str]]:
    from xiangcun.catalog.models import Category
    from xiangcun.regions.models import Township, Village

    end = days[-1]
    month_end = end.replace(day=1) - datetime.timedelta(days=1)  # the last whole month
    township = Township.objects.order_by("code").values_list("code", flat=True)[1]
    village = (
        Village.objects.filter(township__code=township)
        .order_by("code")
        .values_list("code", flat=True)[0]
    )
    category = (
        Category.objects.filter(parent=None, direction="up")
        .order_by("position", "id")
        .values_list("slug", "pk")[0]
    )
    month = {"from": f"{month_end.replace(day=1)}", "to": f"{month_end}"}
    return {
        "county, all time": {},
        f"township {township}": {"township": township},
        f"village {village}": {"township": township, "village": village},
        f"month {month_end:%Y-%m}": month,
        f"year {end.year}": {"from": f"{end.year}-01-01", "to": f"{end.year}-12-31"},
        "last 365 days": {"from": f"{days[0]}", "to": f"{end}"},
        f"product type {category[0]}": {"category": category[0]},
        f"township, month {month_end:%Y-%m}": {"township": township, **month},
    }


def measure(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from xiangcun.accounts.models import ResidentProfile, User
    from xiangcun.accounts.services import api_token_issue, role_grant
    from xiangcun.accounts.types import Role
    from xiangcun.orders.models import Order

    if not (args.data_dir / "static" / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    manager, _ = User.objects.get_or_create(
        phone="13799999999", defaults={"name": "项目经理 bench", "password": "!bench"}
    )
    role_grant(user=manager, role=Role.PROGRAMME_MANAGER)
    page = Client(HTTP_ACCEPT_LANGUAGE=args.lang)
    page.force_login(manager)
    token = api_token_issue(user=manager).token
    api = Client(HTTP_ACCEPT_LANGUAGE=args.lang, HTTP_AUTHORIZATION=f"Bearer {token}")
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}: "
        f"{Order.objects.count()} orders, {ResidentProfile.objects.count()} residents"
    )

    def timed(client: Client, path: str) -> float:
        started = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}: {response.content[:300]!r}")
        return elapsed

    results: dict[str, dict[str, float]] = {}
    # The figures are cached until the facts change (the next rebuild): the first request of a
    # filter after a rebuild computes them ("cold"), the others read them.
    header = (
        f"{'filter':<28} {'page cold':>9} {'API cold':>8} "
        f"{'page p50':>9} {'p95':>7} {'API p50':>8} {'p95':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, params in _filters(_period(args)).items():
        query = f"?{urlencode(params)}" if params else ""
        page_path, api_path = f"/impact/{query}", f"/api/v1/impact/summary{query}"
        cache.clear()
        api_cold = timed(api, api_path)
        cache.clear()
        page_cold = timed(page, page_path)
        for _ in range(args.warmup):
            timed(page, page_path)
            timed(api, api_path)
        page_ms, api_ms = [], []
        deadline = time.monotonic() + (args.budget or float("inf"))
        for _ in range(args.repeat):
            page_ms.append(timed(page, page_path))
            api_ms.append(timed(api, api_path))
            if len(page_ms) >= 5 and time.monotonic() > deadline:
                break
        row = {
            "page_cold": page_cold,
            "api_cold": api_cold,
            "page_p50": statistics.median(page_ms),
            "page_p95": _pct(page_ms, 95),
            "api_p50": statistics.median(api_ms),
            "api_p95": _pct(api_ms, 95),
        }
        results[name] = row
        print(
            f"{name:<28} {row['page_cold']:>9.1f} {row['api_cold']:>8.1f} "
            f"{row['page_p50']:>9.1f} {row['page_p95']:>7.1f} "
            f"{row['api_p50']:>8.1f} {row['api_p95']:>7.1f}  (n={len(page_ms)})",
            flush=True,
        )
    others = {
        "households page": (page, "/impact/households/"),
        "unreached page": (page, "/impact/households/unreached/"),
        "public page": (Client(HTTP_ACCEPT_LANGUAGE=args.lang), "/impact/public/"),
        "API series (month)": (api, "/api/v1/impact/series?metric=residents_reached&grain=month"),
        "API areas": (api, "/api/v1/impact/areas"),
        "API households": (api, "/api/v1/impact/households"),
        "API public": (Client(), "/api/v1/impact/public"),
    }
    print()
    print(f"{'other, county, all time':<28} {'p50':>9} {'p95':>7}")
    for name, (client, path) in others.items():
        cache.clear()
        try:
            for _ in range(args.warmup):
                timed(client, path)
            ms: list[float] = []
            deadline = time.monotonic() + (args.budget or float("inf"))
            while len(ms) < args.repeat and (len(ms) < 5 or time.monotonic() < deadline):
                ms.append(timed(client, path))
        except SystemExit as error:
            print(f"{name:<28} skipped ({error})"[:160])
            continue
        results[name] = {"p50": statistics.median(ms), "p95": _pct(ms, 95)}
        print(
            f"{name:<28} {results[name]['p50']:>9.1f} {results[name]['p95']:>7.1f}  (n={len(ms)})",
            flush=True,
        )
    print()
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}; "
        f"{args.repeat} requests per page and per API (after {args.warmup} warm-up), "
        f"language {args.lang}"
    )
    worst = max(v for row in results.values() for k, v in row.items() if k.endswith("p95"))
    print(f"worst p95: {worst:.1f} ms (aim: under 300 ms)")
    coldest = max(v for row in results.values() for k, v in row.items() if k.endswith("cold"))
    print(f"slowest first request after a rebuild (cache empty): {coldest:.1f} ms")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--residents", type=int, default=30_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument(
        "--database-url", default="", help="PostgreSQL (postgres://...); SQLite in --data-dir else"
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument(
        "--src", type=Path, default=ROOT / "src", help="code to run (e.g. a `git archive` copy)"
    )
    parser.add_argument("--phase", choices=("all", "generate", "rebuild", "measure"), default="all")
    parser.add_argument("--fresh", action="store_true", help="start from an empty database")
    parser.add_argument("--skip-full", action="store_true", help="rebuild: only the one-day runs")
    parser.add_argument("--day-repeat", type=int, default=3, help="one day's rebuild, times")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page and filter")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--budget",
        type=float,
        default=0,
        help="seconds per filter: stop repeating after it (at least 5 requests); 0: no limit",
    )
    parser.add_argument("--lang", default="zh-hans", help="Accept-Language of the requests")
    args = parser.parse_args()
    if args.orders < 1 or args.residents < 1000 or not 60 <= args.days <= 730:
        parser.error("--orders >= 1, --residents >= 1000, --days between 60 and 730")
    _setup(args)
    if args.phase in ("all", "generate"):
        generate(args)
    if args.phase in ("all", "rebuild"):
        rebuild(args)
    if args.phase in ("all", "measure"):
        measure(args)


if __name__ == "__main__":
    main()
