"""What shoppers type and what they must find: the search evaluation set.

Each entry is (query, kind, names): every product named must be among the first ten results
over the Danzhai demo catalogue (`catalog_demo_load`). Run by tests/catalog/test_search_eval.py
(100% of entries must hit) and by `bench/search_quality.py` (hit rate and mean reciprocal
rank). Kinds: zh (Chinese), pinyin, initials, en (English), mixed, typo (misspelt).
"""

HONEY = ("丹寨土蜂蜜", "百花蜂蜜", "原生蜂巢蜜")
RICE = ("丹寨硒锌大米", "丹寨富硒香米", "丹寨古法红米")
TEA = ("丹寨明前绿茶", "丹寨红茶")
BLUEBERRY = ("丹寨高山蓝莓", "蓝莓果酱")
PORK = ("黑毛猪鲜肉（五花）", "黑毛猪烟熏腊肉")
BATIK = ("排调苗族蜡染围巾", "蜡染桌旗", "蜡染帆布包")
SILVER = ("苗族银手镯", "苗银蝴蝶耳环")
EMBROIDERY = ("苗绣挂画", "苗绣手机包")
FERTILISER = ("复合肥 15-15-15", "生物有机肥")

QUERIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # Chinese
    ("蜂蜜", "zh", HONEY),
    ("土蜂蜜", "zh", ("丹寨土蜂蜜",)),
    ("蜂巢蜜", "zh", ("原生蜂巢蜜",)),
    ("大米", "zh", ("丹寨硒锌大米",)),
    ("红米", "zh", ("丹寨古法红米",)),
    ("米", "zh", RICE),
    ("香米", "zh", ("丹寨富硒香米",)),
    ("富硒", "zh", ("丹寨富硒香米",)),
    ("蓝莓", "zh", BLUEBERRY),
    ("果酱", "zh", ("蓝莓果酱",)),
    ("绿茶", "zh", ("丹寨明前绿茶",)),
    ("红茶", "zh", ("丹寨红茶",)),
    ("茶", "zh", TEA),
    ("茶叶", "zh", TEA),
    ("猪肉", "zh", PORK),
    ("腊肉", "zh", ("黑毛猪烟熏腊肉",)),
    ("五花肉", "zh", ("黑毛猪鲜肉（五花）",)),
    ("蜡染", "zh", BATIK),
    ("围巾", "zh", ("排调苗族蜡染围巾",)),
    ("帆布包", "zh", ("蜡染帆布包",)),
    ("手工纸", "zh", ("石桥古法手工纸",)),
    ("灯笼", "zh", ("石桥花草纸灯笼",)),
    ("银手镯", "zh", ("苗族银手镯",)),
    ("耳环", "zh", ("苗银蝴蝶耳环",)),
    ("银饰", "zh", SILVER),
    ("首饰", "zh", SILVER),
    ("苗绣", "zh", EMBROIDERY),
    ("刺绣", "zh", EMBROIDERY),
    ("化肥", "zh", FERTILISER),
    ("有机肥", "zh", ("生物有机肥",)),
    ("锄头", "zh", ("锰钢锄头",)),
    ("镰刀", "zh", ("割稻镰刀",)),
    ("电饭煲", "zh", ("智能电饭煲 4升",)),
    ("烧水壶", "zh", ("电热水壶",)),
    ("洗衣粉", "zh", ("洗衣粉 3公斤",)),
    ("丹寨 大米", "zh", ("丹寨硒锌大米",)),
    ("蜂蜜 礼盒", "zh", HONEY),
    # pinyin
    ("fengmi", "pinyin", HONEY),
    ("tufengmi", "pinyin", ("丹寨土蜂蜜",)),
    ("dami", "pinyin", ("丹寨硒锌大米",)),
    ("hongmi", "pinyin", ("丹寨古法红米",)),
    ("mi", "pinyin", RICE),
    ("cha", "pinyin", TEA),
    ("lanmei", "pinyin", BLUEBERRY),
    ("laran", "pinyin", BATIK),
    ("lvcha", "pinyin", ("丹寨明前绿茶",)),
    ("hongcha", "pinyin", ("丹寨红茶",)),
    ("larou", "pinyin", ("黑毛猪烟熏腊肉",)),
    ("yinshi", "pinyin", SILVER),
    ("miaoyin", "pinyin", ("苗银蝴蝶耳环",)),
    ("shouzhuo", "pinyin", ("苗族银手镯",)),
    ("dianfanbao", "pinyin", ("智能电饭煲 4升",)),
    ("feng mi", "pinyin", HONEY),
    ("danzhai", "pinyin", ("丹寨硒锌大米", "丹寨土蜂蜜")),
    # initials
    ("fm", "initials", HONEY),
    ("hm", "initials", ("丹寨古法红米",)),
    ("lr", "initials", BATIK),
    ("lm", "initials", BLUEBERRY),
    ("dzxxdm", "initials", ("丹寨硒锌大米",)),
    ("hc", "initials", ("丹寨红茶",)),
    ("dfb", "initials", ("智能电饭煲 4升",)),
    ("ＦＭ", "initials", HONEY),  # noqa: RUF001 - full-width, as Chinese keyboards type it
    # English
    ("honey", "en", HONEY),
    ("rice", "en", RICE),
    ("tea", "en", TEA),
    ("batik", "en", BATIK),
    ("silver", "en", SILVER),
    ("blueberry", "en", BLUEBERRY),
    ("pork", "en", PORK),
    ("scarf", "en", ("排调苗族蜡染围巾",)),
    ("kettle", "en", ("电热水壶",)),
    ("fertiliser", "en", FERTILISER),
    ("Wild Honey", "en", ("丹寨土蜂蜜",)),
    # mixed
    ("丹寨hongmi", "mixed", ("丹寨古法红米",)),
    ("丹寨 dami", "mixed", ("丹寨硒锌大米",)),
    ("苗银erhuan", "mixed", ("苗银蝴蝶耳环",)),
    ("dz蜂蜜", "mixed", ("丹寨土蜂蜜",)),
    ("hongmi 丹寨", "mixed", ("丹寨古法红米",)),
    ("蜡染 bag", "mixed", ("蜡染帆布包",)),
    # misspelt
    ("fenmgi", "typo", HONEY),
    ("fengmii", "typo", HONEY),
    ("hongmii", "typo", ("丹寨古法红米",)),
    ("larna", "typo", BATIK),
    ("lanmie", "typo", BLUEBERRY),
    ("dianfanbo", "typo", ("智能电饭煲 4升",)),
    ("hongca", "typo", ("丹寨红茶",)),
)
