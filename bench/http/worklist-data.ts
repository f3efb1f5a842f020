// The generated organisation and leads of the worklist benchmark (issue 14): departments of
// reps with a share of the leads each, and leads whose names repeat the way real ones do —
// company names built from a few dozen cities, brand words and trades, people's names from
// surnames weighted like China's commonest and a short list of given names — so that a
// search for a brand word or a surname matches a realistic number of leads.

/** Seeded dice (mulberry32): the same seed always lays out the same leads. */
export class Dice {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.next() * values.length)] as T;
  }
  /** Early entries far more often than late ones, as surnames and cities are. */
  skewed<T>(values: readonly T[]): T {
    const r = this.next();
    return values[Math.floor(r * r * values.length)] as T;
  }
}

// The commonest surnames first: skewed() picks 王 about 6 % of the time, 沈 about 0.3 %.
export const SURNAMES = [
  "王",
  "李",
  "张",
  "刘",
  "陈",
  "杨",
  "黄",
  "赵",
  "吴",
  "周",
  "徐",
  "孙",
  "马",
  "朱",
  "胡",
  "郭",
  "何",
  "高",
  "林",
  "罗",
  "郑",
  "梁",
  "谢",
  "宋",
  "唐",
  "许",
  "韩",
  "冯",
  "邓",
  "曹",
  "彭",
  "曾",
  "肖",
  "田",
  "董",
  "袁",
  "潘",
  "于",
  "蒋",
  "蔡",
  "余",
  "杜",
  "叶",
  "程",
  "苏",
  "魏",
  "吕",
  "丁",
  "任",
  "沈",
] as const;
const GIVEN = [
  "伟",
  "芳",
  "娜",
  "秀英",
  "敏",
  "静",
  "丽",
  "强",
  "磊",
  "军",
  "洋",
  "勇",
  "艳",
  "杰",
  "娟",
  "涛",
  "明",
  "超",
  "秀兰",
  "霞",
  "平",
  "刚",
  "桂英",
  "华",
  "建华",
  "建国",
  "志强",
  "海燕",
  "晓东",
  "文",
  "斌",
  "宇",
  "浩",
  "鑫",
  "婷",
  "雪",
  "琳",
  "晨",
  "欣",
  "颖",
  "鹏",
  "辉",
  "红",
  "玲",
  "飞",
  "俊",
  "凯",
  "佳",
  "慧",
  "倩",
] as const;
export const CITIES = [
  "上海",
  "杭州",
  "苏州",
  "南京",
  "宁波",
  "无锡",
  "合肥",
  "武汉",
  "长沙",
  "南昌",
  "广州",
  "深圳",
  "东莞",
  "佛山",
  "厦门",
  "福州",
  "成都",
  "重庆",
  "昆明",
  "贵阳",
  "北京",
  "天津",
  "济南",
  "青岛",
  "郑州",
  "西安",
  "沈阳",
  "大连",
  "哈尔滨",
  "温州",
] as const;
export const BRANDS = [
  "华信",
  "嘉禾",
  "锦程",
  "鸿运",
  "恒达",
  "金鼎",
  "瑞丰",
  "宏图",
  "盛世",
  "天成",
  "永泰",
  "鑫源",
  "明德",
  "智远",
  "万通",
  "新宇",
  "东方",
  "中联",
  "海川",
  "富华",
  "星辰",
  "悦享",
  "优选",
  "乐活",
  "鲜果",
  "茶语",
  "味道",
  "百味",
  "云帆",
  "博雅",
  "汇丰",
  "德润",
  "同创",
  "安康",
  "泰和",
  "顺达",
  "景程",
  "广源",
  "正大",
  "鼎盛",
  "晨光",
  "绿源",
  "蓝海",
  "银河",
  "凯旋",
  "腾飞",
  "和信",
  "佳美",
  "康宁",
  "联创",
  "启航",
  "远大",
  "晟达",
  "宏达",
  "信达",
  "华美",
  "金桥",
  "世纪",
  "长江",
  "九州",
] as const;
const TRADES: readonly (readonly [scope: string, industry: string, category: string])[] = [
  ["餐饮管理", "餐饮", "tea drinks"],
  ["餐饮管理", "餐饮", "hot pot"],
  ["食品", "餐饮", "bakery"],
  ["零售连锁", "零售", "convenience stores"],
  ["商贸", "零售", "imported goods"],
  ["教育咨询", "教育", "children's education"],
  ["文化传播", "教育", "art training"],
  ["酒店管理", "酒店", "budget hotels"],
  ["健康管理", "医疗", "health checks"],
  ["医药", "医疗", "pharmacies"],
  ["物流服务", "物流", "last-mile delivery"],
  ["科技", "科技", "software services"],
  ["信息技术", "科技", "smart retail"],
  ["汽车服务", "汽车", "car care"],
  ["美容美发", "生活服务", "beauty salons"],
] as const;
const COMPANY_FORMS = ["有限公司", "有限公司", "有限公司", "股份有限公司", "（集团）有限公司"];
const CHANNELS = [
  "website",
  "social-media",
  "industry-site",
  "exhibition",
  "exhibition",
  "field-visit",
  "partner-referral",
  "industry-association",
  "inbound-inquiry",
  "inbound-inquiry",
  "market-research",
] as const;
const REGIONS = ["华东", "华中", "华南", "西南", "华北", "西北", "东北"] as const;
const MOBILE_PREFIXES = [
  "130",
  "131",
  "132",
  "135",
  "136",
  "137",
  "138",
  "139",
  "150",
  "151",
  "152",
  "155",
  "157",
  "158",
  "159",
  "166",
  "177",
  "180",
  "181",
  "186",
  "187",
  "188",
  "189",
  "199",
] as const;

export interface Person {
  readonly id: string;
  readonly displayName: string;
  readonly role: "rep" | "head" | "executive";
  readonly department: string;
}

/** The organisation: `departments` departments of `repsPerDepartment` reps and a head each, and one executive. */
export const organisationOf = (departments: number, repsPerDepartment: number): Person[] => {
  const dice = new Dice(14);
  const people: Person[] = [];
  const name = () => `${dice.skewed(SURNAMES)}${dice.pick(GIVEN)}`;
  for (let d = 1; d <= departments; d++) {
    const department = `dept-${d}`;
    people.push({ id: `head-${d}`, displayName: name(), role: "head", department });
    for (let r = 1; r <= repsPerDepartment; r++) {
      people.push({
        id: `rep-${d}-${String(r).padStart(2, "0")}`,
        displayName: name(),
        role: "rep",
        department,
      });
    }
  }
  people.push({ id: "exec-bench", displayName: "孙总", role: "executive", department: "hq" });
  return people;
};

const DAY = 86_400_000;
const iso = (millis: number): string => new Date(millis).toISOString();

/** One generated lead: its capture, and follow-ups to record once the lead id is known. */
export interface GeneratedLead {
  readonly owner: Person;
  /** The lead's name as a list shows it: the company's, or the person's. */
  readonly name: string;
  readonly phone: string;
  readonly capture: Record<string, unknown> & {
    readonly type: string;
    readonly commandId: string;
  };
  readonly followUps: readonly (Record<string, unknown> & {
    readonly type: string;
    readonly commandId: string;
  })[];
}

/**
 * Lead `i` of the data set (deterministic in `i`): owned by rep `i mod reps`, acquired in
 * the year before `anchor`, a company four times in five. Its phone is a +86 mobile number
 * and its e-mail an address, both unique (rule 9 refuses a second lead with the same phone).
 */
export const leadOf = (i: number, reps: readonly Person[], anchor: number): GeneratedLead => {
  const dice = new Dice(0x9e3779b9 ^ (i * 2_654_435_761));
  const owner = reps[i % reps.length] as Person;
  const tbc = { tbc: true };
  const [scope, industry, category] = dice.pick(TRADES);
  const city = dice.skewed(CITIES);
  const person = `${dice.skewed(SURNAMES)}${dice.pick(GIVEN)}${dice.chance(0.3) ? dice.pick(GIVEN) : ""}`;
  const company = dice.chance(0.8);
  const companyName = `${city}${dice.pick(BRANDS)}${scope}${dice.pick(COMPANY_FORMS)}`;
  const acquiredAt = anchor - dice.int(2, 365) * DAY - dice.int(0, 9 * 60) * 60_000;
  // Unique per lead: the eight digits are a bijection of i (an odd multiplier mod 10^8).
  const phone = `+86 ${MOBILE_PREFIXES[i % MOBILE_PREFIXES.length]}${String((i * 7_919 + 12_345_678) % 100_000_000).padStart(8, "0")}`;
  const amount = dice.int(2, 30) * 100_000;
  const capture = {
    type: "CaptureLead",
    commandId: `worklist-${i}-capture`,
    acquiredAt: iso(acquiredAt),
    // Recorded long after contact: the data set stands for leads moved in from elsewhere.
    lateEntryReason: "历史线索迁移录入",
    party: company
      ? {
          kind: "company",
          companyName,
          registeredAddress: `${city}市${dice.pick(["西湖区", "天河区", "工业园区", "南山区", "高新区"])}${dice.int(1, 300)}号`,
          legalRepresentative: person,
          businessScope: scope,
          foundedOn: `${dice.int(2000, 2023)}-0${dice.int(1, 9)}-1${dice.int(0, 9)}`,
          registeredCapital: { amount: dice.int(1, 500) * 100_000, currency: "CNY" },
          employees: dice.chance(0.8) ? dice.int(5, 2_000) : tbc,
          annualRevenue: tbc,
        }
      : {
          kind: "individual",
          name: person,
          gender: dice.pick(["female", "male"]),
          age: dice.int(24, 62),
          occupation: dice.pick(["个体经营", "企业高管", "自由职业", tbc]),
          investmentExperience: dice.pick(["开过两家门店", "首次创业", tbc]),
          availableFunds: { amount, currency: "CNY" },
        },
    contact: {
      phone,
      email: `lead${i}@${dice.pick(["163.com", "qq.com", "126.com", "sina.com", "example.cn"])}`,
      fax: tbc,
      messaging: dice.chance(0.6) ? { platform: "WeChat", handle: `wx_${i.toString(36)}` } : tbc,
      address: tbc,
    },
    needs: {
      investmentFields: [industry],
      investmentAmount: dice.chance(0.8) ? { min: amount, max: amount * 2, currency: "CNY" } : tbc,
      investmentHorizon: dice.pick(["1 year", "3 years", "5 years", tbc]),
      businessCategory: category,
      site: {
        area: dice.chance(0.7) ? { minSquareMetres: 40, maxSquareMetres: dice.int(60, 300) } : tbc,
        location: `${city}, ${dice.pick(["street front", "mall", "office park"])}`,
        fitOut: tbc,
      },
    },
    source: {
      channel: dice.pick(CHANNELS),
      sourceClass: dice.pick(["own", "own", "own", "partner", "competitor"]),
      inquiryMode: dice.pick(["inbound", "outbound"]),
    },
    classification: {
      industry,
      companySize: company ? dice.pick(["large", "medium", "small"]) : tbc,
      needType: dice.pick(["general", "general", "special"]),
      region: dice.pick(REGIONS),
    },
    owner: { repId: owner.id, department: owner.department },
  };
  // About a third of the leads have been called, and some of those graded by hand, so that
  // stages, grades and due dates vary down the list.
  const followUps: (Record<string, unknown> & { type: string; commandId: string })[] = [];
  if (dice.chance(0.35)) {
    const at = Math.min(anchor - DAY, acquiredAt + dice.int(1, 10) * DAY);
    followUps.push({
      type: "RecordContact",
      commandId: `worklist-${i}-contact`,
      occurredAt: iso(at),
      method: dice.pick(["phone", "phone", "email", "meeting", "messaging"]),
      direction: dice.chance(0.3) ? "inbound" : "outbound",
      topics: ["general-info"],
      intent: dice.pick(["none", "preliminary", "stated"]),
      outcome: dice.pick(["reached", "follow-up-agreed", "materials-sent"]),
      requirementsFit: "unknown",
      summary: `与${person}沟通${scope}合作事宜`,
      nextFollowUpOn: iso(Math.max(at + DAY, anchor + dice.int(-20, 30) * DAY)).slice(0, 10),
    });
    if (dice.chance(0.3)) {
      followUps.push({
        type: "GradeLead",
        commandId: `worklist-${i}-grade`,
        occurredAt: iso(at + 3_600_000),
        by: "manual",
        grade: dice.pick(["high", "medium", "low"]),
        reason: "电话沟通后评估",
        valueTier: dice.pick(["key", "standard"]),
      });
    }
  }
  return {
    owner,
    name: company ? companyName : person,
    phone,
    capture,
    followUps,
  };
};
