"""The search evaluation set: queries shoppers really type, and the demo products each must
find in its first ten results. Run by tests/catalog/test_search_relevance.py (demo catalogue
plus DISTRACTORS) and by bench/search_quality.py (any catalogue that holds the demo).

A query's products are named exactly as in catalog/demo_data.py. Kinds: zh (Chinese), py (full
pinyin), ini (initials), en (English), mix (Chinese and latin), typo (misspelt), word (an
everyday word no product name holds: found through a synonym or by relaxing the query).
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xiangcun.catalog.models import Category, Product, Variant
from xiangcun.catalog.search.interface import search_backend


@dataclass(frozen=True)
class EvalQuery:
    text: str
    kind: str
    expect: tuple[str, ...]


RED_RICE = "丹寨古法红米"
SZ_RICE = "丹寨硒锌大米"
XIANG_RICE = "丹寨富硒香米"
RICE = (SZ_RICE, XIANG_RICE, RED_RICE)
BLUEBERRY = "丹寨高山蓝莓"
JAM = "蓝莓果酱"
WILD_HONEY = "丹寨土蜂蜜"
HONEY = (WILD_HONEY, "百花蜂蜜", "原生蜂巢蜜")
GREEN_TEA = "丹寨明前绿茶"
BLACK_TEA = "丹寨红茶"
PORK = ("黑毛猪鲜肉（五花）", "黑毛猪烟熏腊肉")
SCARF = "排调苗族蜡染围巾"
BATIK = (SCARF, "蜡染桌旗", "蜡染帆布包")
PAPER = "石桥古法手工纸"
LANTERN = "石桥花草纸灯笼"
BANGLE = "苗族银手镯"
EARRINGS = "苗银蝴蝶耳环"
EMBROIDERY = ("苗绣挂画", "苗绣手机包")
FERTILISER = ("复合肥 15-15-15", "生物有机肥")
HOE = "锰钢锄头"
SICKLE = "割稻镰刀"
COOKER = "智能电饭煲 4升"
KETTLE = "电热水壶"
DETERGENT = "洗衣粉 3公斤"

Q = EvalQuery
QUERIES: tuple[EvalQuery, ...] = (
    # Chinese
    Q("红米", "zh", (RED_RICE,)),
    Q("大米", "zh", RICE),
    Q("米", "zh", RICE),
    Q("蜂蜜", "zh", HONEY),
    Q("蜂巢蜜", "zh", ("原生蜂巢蜜",)),
    Q("蓝莓", "zh", (BLUEBERRY, JAM)),
    Q("绿茶", "zh", (GREEN_TEA,)),
    Q("红茶", "zh", (BLACK_TEA,)),
    Q("腊肉", "zh", (PORK[1],)),
    Q("黑毛猪", "zh", PORK),
    Q("蜡染", "zh", BATIK),
    Q("围巾", "zh", (SCARF,)),
    Q("苗银", "zh", (EARRINGS,)),
    Q("手镯", "zh", (BANGLE,)),
    Q("苗绣", "zh", EMBROIDERY),
    Q("古法纸", "zh", (PAPER,)),
    Q("灯笼", "zh", (LANTERN,)),
    Q("有机肥", "zh", (FERTILISER[1],)),
    Q("锄头", "zh", (HOE,)),
    Q("电饭煲", "zh", (COOKER,)),
    Q("丹寨红米", "zh", (RED_RICE,)),
    # full pinyin
    Q("hongmi", "py", (RED_RICE,)),
    Q("dami", "py", (SZ_RICE,)),
    Q("xiangmi", "py", (XIANG_RICE,)),
    Q("mi", "py", RICE),
    Q("cha", "py", (GREEN_TEA, BLACK_TEA)),
    Q("hongcha", "py", (BLACK_TEA,)),
    Q("lvcha", "py", (GREEN_TEA,)),
    Q("fengmi", "py", HONEY[:2]),
    Q("lanmei", "py", (BLUEBERRY, JAM)),
    Q("larou", "py", (PORK[1],)),
    Q("laran", "py", BATIK),
    Q("miaoyin", "py", (EARRINGS,)),
    Q("shouzhuo", "py", (BANGLE,)),
    Q("dianfanbao", "py", (COOKER,)),
    Q("danzhaihongmi", "py", (RED_RICE,)),
    Q("feng mi", "py", HONEY[:2]),
    # initials
    Q("hm", "ini", (RED_RICE,)),
    Q("fm", "ini", HONEY[:2]),
    Q("lm", "ini", (BLUEBERRY, JAM)),
    Q("lr", "ini", BATIK),
    Q("hc", "ini", (BLACK_TEA,)),
    Q("dfb", "ini", (COOKER,)),
    Q("hmz", "ini", PORK),
    Q("sz", "ini", (BANGLE,)),
    # English
    Q("red rice", "en", (RED_RICE,)),
    Q("rice", "en", RICE),
    Q("honey", "en", HONEY),
    Q("blueberry", "en", (JAM,)),
    Q("green tea", "en", (GREEN_TEA,)),
    Q("pork", "en", PORK),
    Q("batik scarf", "en", (SCARF,)),
    Q("silver", "en", (BANGLE, EARRINGS)),
    Q("paper lantern", "en", (LANTERN,)),
    Q("kettle", "en", (KETTLE,)),
    Q("fertiliser", "en", FERTILISER),
    Q("jewellery", "en", (BANGLE, EARRINGS)),
    # mixed
    Q("丹寨hongmi", "mix", (RED_RICE,)),
    Q("丹寨 dami", "mix", (SZ_RICE,)),
    Q("蜡染 weijin", "mix", (SCARF,)),
    Q("苗银 erhuan", "mix", (EARRINGS,)),
    Q("hongmi 2斤", "mix", (RED_RICE,)),
    Q("blueberry 果酱", "mix", (JAM,)),
    # misspelt
    Q("hongmu", "typo", (RED_RICE,)),
    Q("fengmu", "typo", HONEY[:2]),
    Q("lanmie", "typo", (BLUEBERRY, JAM)),
    Q("larna", "typo", BATIK),
    Q("dianfanbo", "typo", (COOKER,)),
    Q("蓝梅", "typo", (BLUEBERRY, JAM)),
    Q("hongmi ipad", "typo", (RED_RICE,)),
    # everyday words no product name holds
    Q("银饰", "word", (BANGLE, EARRINGS)),
    Q("首饰", "word", (BANGLE, EARRINGS)),
    Q("蜂糖", "word", HONEY),
    Q("土蜂蜜", "word", HONEY),
    Q("猪肉", "word", PORK),
    Q("肥料", "word", FERTILISER),
    Q("茶叶", "word", (GREEN_TEA, BLACK_TEA)),
    Q("电饭锅", "word", (COOKER,)),
    Q("烧水壶", "word", (KETTLE,)),
    Q("洗衣液", "word", (DETERGENT,)),
    Q("苗族银饰手镯", "word", (BANGLE,)),
    Q("大米 批发", "word", RICE),
)


@dataclass(frozen=True)
class EvalResult:
    query: EvalQuery
    ranks: dict[str, int | None]  # expected name -> 1-based rank in the first ten, or None

    @property
    def hit(self) -> bool:
        return all(rank is not None for rank in self.ranks.values())

    @property
    def reciprocal_rank(self) -> float:
        """1 / the rank of the best placed expected product (0 when none is in the ten)."""
        found = [rank for rank in self.ranks.values() if rank is not None]
        return 1 / min(found) if found else 0.0


def evaluate(
    search: Callable[[str], Sequence[str]],
    queries: Sequence[EvalQuery] = QUERIES,
    *,
    same_goods: bool = False,
) -> list[EvalResult]:
    """Run every query through `search` (query text -> names of the first ten results).

    `same_goods`: a result whose name contains the expected one counts as it (a generated
    catalogue's 高山丹寨古法红米 is as good an answer as 丹寨古法红米)."""
    results = []
    for query in queries:
        names = list(search(query.text))[:10]
        ranks: dict[str, int | None] = {}
        for name in query.expect:
            found = [
                i for i, got in enumerate(names) if got == name or (same_goods and name in got)
            ]
            ranks[name] = found[0] + 1 if found else None
        results.append(EvalResult(query, ranks))
    return results


def summary(results: Sequence[EvalResult]) -> tuple[float, float]:
    """Hit rate at ten (every expected product in the first ten) and mean reciprocal rank."""
    if not results:
        return 0.0, 0.0
    hits = sum(result.hit for result in results) / len(results)
    mrr = sum(result.reciprocal_rank for result in results) / len(results)
    return hits, mrr


# Distractors: goods whose names share characters, syllables or initials with the demo's
# (米粉 and 玉米 with 大米, 茶油 with 茶, 银耳 with 苗银, 蜜饯 with 蜂蜜, 蜡烛 with 蜡染...).
DISTRACTORS: tuple[tuple[str, str, str], ...] = (
    ("米粉", "rice noodles", "farm"), ("玉米", "maize", "farm"), ("小米", "millet", "farm"),
    ("糯米粑", "glutinous rice cake", "farm"), ("米酒", "rice wine", "farm"),
    ("茶油", "camellia oil", "farm"), ("茶杯", "tea cup", "daily-goods"),
    ("茶具套装", "tea set", "daily-goods"), ("蜜饯", "candied fruit", "fruit"),
    ("银耳", "white fungus", "farm"), ("猪蹄", "pig trotters", "meat"),
    ("红薯", "sweet potato", "farm"), ("红枣", "red dates", "fruit"),
    ("蜡烛", "candles", "daily-goods"), ("纸巾", "tissues", "daily-goods"),
    ("银杏果", "ginkgo nuts", "fruit"), ("辣椒酱", "chilli sauce", "farm"),
    ("酸汤鱼底料", "sour fish soup base", "farm"), ("刺梨汁", "roxburgh rose juice", "fruit"),
    ("竹编篮", "bamboo basket", "crafts"), ("铁锅", "iron wok", "daily-goods"),
    ("电风扇", "electric fan", "small-appliances"), ("蓝靛", "indigo dye", "crafts"),
    ("猕猴桃", "kiwi fruit", "fruit"), ("花生油", "peanut oil", "farm"),
    ("手工布鞋", "cloth shoes", "crafts"), ("木梳", "wooden comb", "daily-goods"),
    ("香菇", "shiitake", "farm"), ("洗洁精", "dish soap", "daily-goods"),
    ("塑料桶", "plastic bucket", "daily-goods"), ("尿素", "urea", "fertiliser"),
    ("喷雾器", "sprayer", "farm-tools"), ("电磁炉", "induction hob", "small-appliances"),
)  # fmt: skip
DISTRACTOR_MODIFIERS: tuple[tuple[str, str], ...] = (
    ("高山", "mountain"), ("农家", "farmhouse"), ("生态", "eco"), ("精选", "selected"),
    ("新鲜", "fresh"), ("手工", "hand-made"), ("特级", "premium"), ("传统", "traditional"),
    ("苗家", "Miao"), ("丹寨", "Danzhai"), ("贵州", "Guizhou"), ("礼盒装", "gift box"),
    ("黔东南", "Qiandongnan"), ("正宗", "genuine"), ("优质", "quality"), ("家用", "household"),
)  # fmt: skip


def add_distractors(*, count: int, seller_id: int, seed: int = 16) -> int:
    """Bulk-create `count` listed distractor products with a variant each, and index them;
    newer than the demo products, so they win every tie. Needs the demo categories."""
    rng = random.Random(seed)  # noqa: S311 - made-up test data
    categories = {c.slug: c for c in Category.objects.all()}
    products = []
    for _ in range(count):
        name, name_en, category = rng.choice(DISTRACTORS)
        first, first_en = rng.choice(DISTRACTOR_MODIFIERS)
        second, second_en = rng.choice(DISTRACTOR_MODIFIERS)
        products.append(
            Product(
                seller_id=seller_id,
                category=categories[category],
                name=f"{first}{second}{name}",
                name_en=f"{first_en.capitalize()} {second_en} {name_en}",
                description="产自丹寨县的村寨，农户直供。",
                description_en="From a Danzhai village, straight from the farmer.",
                direction=categories[category].direction,
                status=Product.Status.LISTED,
            )
        )
    created = Product.objects.bulk_create(products)
    Variant.objects.bulk_create(
        Variant(product=product, sku=f"DISTRACT-{product.pk}", name="1", unit="piece", price=10)
        for product in created
    )
    search_backend().index_products([product.pk for product in created])
    return len(created)
