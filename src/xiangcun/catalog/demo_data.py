# ruff: noqa: RUF001 - the multiplication sign is how Chinese shops write pack sizes (125克 x 4盒).
"""Danzhai's goods as the demo shows them: read only by `catalog.demo`.

Goods, places and brands are real to the county (selenium-zinc rice, blueberries, honey, tea,
black-hair pigs, Paidiao batik, Shiqiao paper, Miao silver and embroidery); shops, prices,
certificate numbers and issuers are SAMPLE data for a demo, not records.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

D = Decimal

# (slug, name, name_en, direction, parent slug)
CATEGORIES: tuple[tuple[str, str, str, str, str | None], ...] = (
    ("farm", "农产品", "Farm produce", "up", None),
    ("rice", "大米", "Rice", "up", "farm"),
    ("fruit", "水果", "Fruit", "up", "farm"),
    ("honey", "蜂蜜", "Honey", "up", "farm"),
    ("tea", "茶叶", "Tea", "up", "farm"),
    ("meat", "肉类", "Meat", "up", "farm"),
    ("crafts", "手工艺品", "Handicrafts", "up", None),
    ("batik", "蜡染", "Batik", "up", "crafts"),
    ("paper", "古法纸", "Hand-made paper", "up", "crafts"),
    ("silver", "苗银", "Miao silver", "up", "crafts"),
    ("embroidery", "刺绣", "Embroidery", "up", "crafts"),
    ("industrial", "工业品", "Industrial goods", "down", None),
    ("fertiliser", "化肥", "Fertiliser", "down", "industrial"),
    ("farm-tools", "农具", "Farm tools", "down", "industrial"),
    ("small-appliances", "小家电", "Small appliances", "down", "industrial"),
    ("daily-goods", "日用品", "Daily goods", "down", "industrial"),
)

# Search synonyms: (word shoppers type, words in product names it means, category slug or "").
# Words no demo product name contains, so without them these searches would find little.
SYNONYMS: tuple[tuple[str, str, str], ...] = (
    ("银饰", "", "silver"), ("首饰", "", "silver"), ("银器", "", "silver"),
    ("jewellery", "", "silver"), ("jewelry", "", "silver"),
    ("耳坠", "耳环", ""), ("手环", "手镯", ""),
    ("蜂糖", "", "honey"), ("土蜂蜜", "蜂蜜 蜂巢蜜", ""), ("蜂蜜", "蜂巢蜜", ""),
    ("米", "", "rice"), ("稻米", "", "rice"), ("粮食", "", "rice"),
    ("茶", "", "tea"), ("茶叶", "绿茶 红茶", ""),
    ("猪肉", "鲜肉 腊肉 五花", ""), ("土猪", "黑毛猪", ""), ("腊味", "腊肉", ""),
    ("扎染", "", "batik"), ("民族风", "", "batik"), ("围脖", "围巾", ""),
    ("宣纸", "", "paper"), ("绣品", "", "embroidery"), ("苗族刺绣", "", "embroidery"),
    ("肥料", "肥", ""), ("化肥", "", "fertiliser"),
    ("锄", "锄头", ""), ("农具", "", "farm-tools"),
    ("电器", "", "small-appliances"), ("电饭锅", "电饭煲", ""), ("烧水壶", "热水壶", ""),
    ("洗衣液", "洗衣粉", ""), ("蓝梅", "蓝莓", ""),
)  # fmt: skip


@dataclass(frozen=True)
class CertificationData:
    kind: str
    certificate_number: str
    issuer: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    # The products the certificate names, by their first SKU; empty: every product of the
    # brand. The blueberry jam and the paper lanterns show that a brand's certificate does
    # not cover a product it does not name.
    covers: tuple[str, ...] = ()


@dataclass(frozen=True)
class BrandData:
    slug: str
    kind: str
    name: str
    name_en: str
    story: str
    story_en: str
    township_code: str | None
    origin_text: str
    certifications: tuple[CertificationData, ...] = ()


BRANDS: tuple[BrandData, ...] = (
    BrandData(
        "danzhai-selenium-rice",
        "regional",
        "丹寨硒米",
        "Danzhai selenium rice",
        "丹寨的稻田土壤天然富含硒和锌，山泉灌溉，一年一季。县里把全县的好米统一成一个品牌。",
        "Danzhai's paddies lie on soils naturally rich in selenium and zinc, watered by "
        "mountain springs, one crop a year. The county sells its best rice under one brand.",
        "522636100",
        "贵州省丹寨县",
        (
            CertificationData(
                "poverty_alleviation",
                "FP-522636-2016-0001",
                "贵州省扶贫开发办公室（示例）",
                datetime.date(2016, 5, 1),
                datetime.date(2030, 12, 31),
            ),
        ),
    ),
    BrandData(
        "miaoling-honey",
        "product",
        "苗岭蜂语",
        "Miaoling honey",
        "雅灰乡的中华蜂在原始森林里采百花，一年只取一次蜜。",
        "Chinese honeybees forage wild flowers in Yahui's forests; honey is taken once a year.",
        "522636200",
        "丹寨县雅灰乡",
        (
            CertificationData(
                "poverty_alleviation",
                "FP-522636-2017-0102",
                "贵州省扶贫开发办公室（示例）",
                datetime.date(2017, 3, 1),
                None,
            ),
        ),
    ),
    BrandData(
        "danzhai-blueberry",
        "regional",
        "丹寨蓝莓",
        "Danzhai blueberries",
        "高海拔、昼夜温差大，丹寨蓝莓果粉厚、味道甜。",
        "High fields and cool nights make Danzhai blueberries sweet with a thick bloom.",
        "522636101",
        "贵州省丹寨县",
        (
            CertificationData(
                "green_food",
                "LB-52-1806-0033",
                "中国绿色食品发展中心（示例）",
                datetime.date(2018, 6, 1),
                datetime.date(2027, 5, 31),
                covers=("DZ-BLUE-125X4",),
            ),
        ),
    ),
    BrandData(
        "paidiao-batik",
        "regional",
        "排调蜡染",
        "Paidiao batik",
        "排调镇排莫村的苗族妇女世代用蜂蜡和蓝靛画染，图案取自鸟、鱼和蝴蝶。",
        "Miao women of Paimo village in Paidiao have drawn with beeswax and indigo for "
        "generations; the patterns are birds, fish and butterflies.",
        "522636102",
        "丹寨县排调镇",
    ),
    BrandData(
        "shiqiao-paper",
        "regional",
        "石桥古法纸",
        "Shiqiao ancient paper",
        "南皋乡石桥村用构树皮、古法抄纸，工艺已传承一千多年。",
        "Shiqiao village in Nangao makes paper from paper-mulberry bark by a method more than "
        "a thousand years old.",
        "522636201",
        "丹寨县南皋乡石桥村",
        (
            CertificationData(
                "geographical_indication",
                "GI-2019-0457",
                "国家知识产权局（示例）",
                datetime.date(2019, 9, 1),
                None,
                covers=("DZ-PAPER-10",),
            ),
        ),
    ),
)


@dataclass(frozen=True)
class VariantData:
    sku: str
    name: str
    name_en: str
    unit: str
    price: Decimal
    net_weight_g: int | None = None


@dataclass(frozen=True)
class ProductData:
    seller: str  # the demo seller code from sellers_demo_load()
    category: str
    name: str
    name_en: str
    description: str
    description_en: str
    variants: tuple[VariantData, ...]
    brand: str | None = None
    village_code: str | None = None
    is_fresh: bool = False
    needs_cold_chain: bool = False
    shelf_life_days: int | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # Handling on the way to a buyer (shipping's fresh rule and packing list).
    keep_frozen: bool = False
    fragile: bool = False
    keeps_days: int | None = None


V = VariantData
P = ProductData

PRODUCTS: tuple[ProductData, ...] = (
    P("rice", "rice", "丹寨硒锌大米", "Danzhai selenium-zinc rice",
      "高要村山泉水灌溉的一季稻，富含硒和锌，米粒饱满，煮饭香软。",
      "One crop a year, spring-watered in Gaoyao; rich in selenium and zinc, soft and fragrant.",
      (V("DZ-RICE-SZ-1J", "散装 1斤", "loose, 1 jin", "jin", D("6.80"), 500),
       V("DZ-RICE-SZ-5J", "5斤装", "5 jin bag", "bag", D("32.00"), 2500),
       V("DZ-RICE-SZ-10KG", "10公斤装", "10 kg bag", "bag", D("118.00"), 10000)),
      brand="danzhai-selenium-rice", village_code="522636100902", shelf_life_days=365),
    P("rice", "rice", "丹寨富硒香米", "Danzhai selenium fragrant rice",
      "香米品种，米香浓郁，适合煮粥和米饭。",
      "A fragrant variety, good for rice and congee.",
      (V("DZ-RICE-XM-5KG", "5公斤装", "5 kg bag", "bag", D("69.00"), 5000),),
      brand="danzhai-selenium-rice", village_code="522636100902", shelf_life_days=365),
    P("rice", "rice", "丹寨古法红米", "Danzhai heirloom red rice",
      "老品种红米，粗粮细作，营养丰富。",
      "An old red rice variety, wholesome and nutty.",
      (V("DZ-RICE-HM-2J", "2斤装", "2 jin pack", "bag", D("26.00"), 1000),),
      brand="danzhai-selenium-rice", village_code="522636100902", shelf_life_days=365),
    P("blueberry", "fruit", "丹寨高山蓝莓", "Danzhai mountain blueberries",
      "王家村蓝莓园当天采摘，冷链发货，果粉完整。",
      "Picked the same day in Wangjia and shipped cold, bloom intact.",
      (V("DZ-BLUE-125X4", "125克×4盒", "4 punnets of 125 g", "box", D("58.00"), 500),
       V("DZ-BLUE-1J", "1斤", "1 jin", "jin", D("45.00"), 500)),
      brand="danzhai-blueberry", village_code="522636101901",
      is_fresh=True, needs_cold_chain=True, shelf_life_days=10, keeps_days=5),
    P("blueberry", "fruit", "蓝莓果酱", "Blueberry jam",
      "丹寨蓝莓熬制，只加少量冰糖。",
      "Cooked from Danzhai blueberries with a little rock sugar.",
      (V("DZ-BLUE-JAM-250", "250克瓶装", "250 g jar", "jar", D("28.00"), 250),),
      brand="danzhai-blueberry", village_code="522636101901", shelf_life_days=365, fragile=True),
    P("honey", "honey", "丹寨土蜂蜜", "Danzhai wild honey",
      "雅灰乡中华蜂百花蜜，一年一取，自然成熟。",
      "Wildflower honey from Chinese honeybees in Yahui, taken once a year when ripe.",
      (V("DZ-HONEY-500", "500克瓶装", "500 g jar", "jar", D("88.00"), 500),
       V("DZ-HONEY-250", "250克瓶装", "250 g jar", "jar", D("48.00"), 250)),
      brand="miaoling-honey", village_code="522636200901", shelf_life_days=730, fragile=True),
    P("honey", "honey", "百花蜂蜜", "Wildflower honey",
      "山里百花盛开时采的蜜，颜色金黄。",
      "Golden honey from the mountain's spring flowers.",
      (V("DZ-HONEY-BH-1KG", "1公斤瓶装", "1 kg jar", "jar", D("138.00"), 1000),),
      brand="miaoling-honey", village_code="522636200901", shelf_life_days=730, fragile=True),
    P("honey", "honey", "原生蜂巢蜜", "Raw honeycomb",
      "整块蜂巢连蜜一起装盒，可直接嚼食。",
      "Whole honeycomb boxed with its honey, to chew as it is.",
      (V("DZ-HONEY-COMB", "500克盒装", "500 g box", "box", D("98.00"), 500),),
      brand="miaoling-honey", village_code="522636200901", shelf_life_days=365),
    P("tea", "tea", "丹寨明前绿茶", "Danzhai spring green tea",
      "扬武高山茶园清明前采摘，一芽一叶。",
      "Picked before Qingming in Yangwu's mountain garden, one bud and one leaf.",
      (V("DZ-TEA-GREEN-250", "250克罐装", "250 g tin", "box", D("120.00"), 250),),
      village_code="522636103903", shelf_life_days=540),
    P("tea", "tea", "丹寨红茶", "Danzhai black tea",
      "夏茶制作的红茶，汤色红亮，带蜜香。",
      "Summer leaves made into black tea, bright red, with a honey note.",
      (V("DZ-TEA-BLACK-200", "200克盒装", "200 g box", "box", D("96.00"), 200),),
      village_code="522636103903", shelf_life_days=720),
    P("pork", "meat", "黑毛猪鲜肉（五花）", "Fresh black-hair pork belly",
      "本地黑毛猪散养一年以上，当天屠宰，冷链配送。",
      "Free-range local black-hair pigs raised over a year; slaughtered the same day, "
      "delivered cold.",
      (V("DZ-PORK-WH-1J", "五花肉 1斤", "belly, 1 jin", "jin", D("42.00"), 500),
       V("DZ-PORK-HT-1J", "后腿肉 1斤", "leg, 1 jin", "jin", D("38.00"), 500)),
      village_code="522636200902", is_fresh=True, needs_cold_chain=True, shelf_life_days=3,
      keeps_days=3),
    P("pork", "meat", "黑毛猪烟熏腊肉", "Smoked black-hair pork",
      "柴火慢熏四十天的腊肉，切片蒸食。",
      "Smoked over a wood fire for forty days; slice and steam.",
      (V("DZ-PORK-LR-1KG", "1公斤", "1 kg", "kg", D("128.00"), 1000),),
      village_code="522636200902", shelf_life_days=180),
    P("batik", "batik", "排调苗族蜡染围巾", "Paidiao Miao batik scarf",
      "蜂蜡手绘、蓝靛浸染，鸟纹图案，每条都不一样。",
      "Drawn in beeswax and dyed in indigo with bird patterns; no two alike.",
      (V("DZ-BATIK-SCARF", "180×50厘米", "180 x 50 cm", "piece", D("168.00")),),
      brand="paidiao-batik", village_code="522636102901"),
    P("batik", "batik", "蜡染桌旗", "Batik table runner",
      "蝴蝶妈妈纹样的蜡染桌旗，纯棉布。",
      "A cotton table runner with the butterfly-mother pattern.",
      (V("DZ-BATIK-RUNNER", "200×33厘米", "200 x 33 cm", "piece", D("128.00")),),
      brand="paidiao-batik", village_code="522636102901"),
    P("batik", "batik", "蜡染帆布包", "Batik canvas tote bag",
      "日常用的帆布包，缝上一块手工蜡染。",
      "An everyday canvas bag with a panel of hand-made batik.",
      (V("DZ-BATIK-TOTE", "单个", "one bag", "piece", D("88.00")),),
      brand="paidiao-batik", village_code="522636102901"),
    P("paper", "paper", "石桥古法手工纸", "Shiqiao hand-made paper",
      "构树皮手工抄造，适合书画和包装，十张一包。",
      "Hand-formed from paper-mulberry bark, for painting and wrapping; ten sheets a pack.",
      (V("DZ-PAPER-10", "10张", "10 sheets", "box", D("45.00")),
       V("DZ-PAPER-50", "50张", "50 sheets", "box", D("198.00"))),
      brand="shiqiao-paper", village_code="522636201901"),
    P("paper", "paper", "石桥花草纸灯笼", "Shiqiao flower-paper lantern",
      "把山上的花草压进纸里，做成灯笼。",
      "Mountain flowers pressed into the paper, made into a lantern.",
      (V("DZ-PAPER-LANTERN", "单个", "one lantern", "piece", D("158.00")),),
      brand="shiqiao-paper", village_code="522636201901", fragile=True),
    P("silver", "silver", "苗族银手镯", "Miao silver bangle",
      "卡拉村银匠手工锻打，雕刻龙纹。",
      "Hand-forged by a silversmith in Kala, engraved with a dragon.",
      (V("DZ-SILVER-BANGLE", "单只", "one bangle", "piece", D("580.00"), 40),),
      village_code="522636100901"),
    P("silver", "silver", "苗银蝴蝶耳环", "Miao silver butterfly earrings",
      "蝴蝶造型银耳环，轻巧耐戴。",
      "Light silver earrings shaped as butterflies.",
      (V("DZ-SILVER-EAR", "一对", "one pair", "piece", D("260.00"), 12),),
      village_code="522636100901"),
    P("silver", "embroidery", "苗绣挂画", "Miao embroidery wall hanging",
      "绣娘用破线绣手工绣成，装框挂画。",
      "Hand-stitched in split-thread embroidery and framed.",
      (V("DZ-EMB-HANGING", "40×60厘米", "40 x 60 cm", "piece", D("420.00")),),
      village_code="522636100901"),
    P("silver", "embroidery", "苗绣手机包", "Miao embroidered phone pouch",
      "小巧的刺绣手机包，可斜挎。",
      "A small embroidered pouch for a phone, worn across the shoulder.",
      (V("DZ-EMB-POUCH", "单个", "one pouch", "piece", D("98.00")),),
      village_code="522636100901"),
    P("fertiliser", "fertiliser", "复合肥 15-15-15", "Compound fertiliser 15-15-15",
      "氮磷钾各15%，水稻玉米通用，送到村服务站。",
      "15% each of N, P and K, for rice and maize; delivered to the village station.",
      (V("IN-FERT-NPK-50", "50公斤袋", "50 kg sack", "bag", D("165.00"), 50000),)),
    P("fertiliser", "fertiliser", "生物有机肥", "Organic fertiliser",
      "发酵腐熟的有机肥，改良土壤。",
      "Composted organic fertiliser that improves the soil.",
      (V("IN-FERT-ORG-40", "40公斤袋", "40 kg sack", "bag", D("58.00"), 40000),)),
    P("tools", "farm-tools", "锰钢锄头", "Manganese-steel hoe",
      "锰钢锄头带木柄，挖地除草都好用。",
      "A manganese-steel hoe with a wooden handle, for digging and weeding.",
      (V("IN-TOOL-HOE", "带柄", "with handle", "piece", D("45.00"), 1500),)),
    P("tools", "farm-tools", "割稻镰刀", "Rice sickle",
      "锯齿镰刀，割稻割草。",
      "A serrated sickle for rice and grass.",
      (V("IN-TOOL-SICKLE", "单把", "one sickle", "piece", D("18.00"), 300),)),
    P("appliances", "small-appliances", "智能电饭煲 4升", "Rice cooker 4 L",
      "4升内胆，预约煮饭，县城统一售后。",
      "4 L bowl with a timer; repairs at the county service centre.",
      (V("IN-APPL-COOKER-4L", "4升", "4 L", "piece", D("199.00"), 3200),)),
    P("appliances", "small-appliances", "电热水壶", "Electric kettle",
      "1.7升不锈钢电热水壶，自动断电。",
      "1.7 L stainless-steel kettle with automatic switch-off.",
      (V("IN-APPL-KETTLE", "1.7升", "1.7 L", "piece", D("69.00"), 1100),)),
    P("daily", "daily-goods", "洗衣粉 3公斤", "Laundry detergent 3 kg",
      "大袋洗衣粉，手洗机洗都可以。",
      "A large bag of washing powder for hand or machine washing.",
      (V("IN-DAILY-DETERGENT-3KG", "3公斤袋", "3 kg bag", "bag", D("32.90"), 3000),)),
)  # fmt: skip

# For the generated catalogue: words that make plausible variations of the goods above.
GENERATED_MODIFIERS: tuple[tuple[str, str], ...] = (
    ("高山", "mountain"), ("农家", "farmhouse"), ("生态", "eco"), ("精选", "selected"),
    ("新鲜", "fresh"), ("手工", "hand-made"), ("特级", "premium"), ("传统", "traditional"),
    ("苗家", "Miao"), ("原生态", "natural"), ("2026新", "2026 new"), ("礼盒装", "gift box"),
)  # fmt: skip
GENERATED_PHRASES: tuple[tuple[str, str], ...] = (
    ("产自丹寨县的村寨，农户直供。", "From a Danzhai village, straight from the farmer."),
    ("经县仓库分拣后发货。", "Graded at the county warehouse before shipping."),
    ("支持到村服务站自提。", "Can be collected at the village station."),
    ("每一批都可以扫码溯源。", "Every batch can be traced by its QR code."),
    ("山里空气好，水也干净。", "Clean mountain air and water."),
    ("合作社统一收购，按质论价。", "Bought by the co-op and priced by grade."),
    ("适合送礼，也适合自家用。", "A gift, or for your own table."),
    ("购买即帮助贫困户增收。", "Every purchase adds to a poor household's income."),
)  # fmt: skip
