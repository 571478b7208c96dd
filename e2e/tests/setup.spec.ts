import { test, expect, SCREENSHOTS } from "./fixtures";
import { apiSession, openPhone } from "./pages/phones";
import { signIn } from "./pages/sign-in";

// 陈建国 (1) administers the demo street. A new compound, 幸福里, comes in
// through the places ledger; its new head (0101, who signed in once) uploads
// the roster; a listed resident (0102) is verified at sign-in; an elderly
// caller (0103) has her affair recorded by the head and rates it later.
const ADMIN = "13800000001";
const HEAD = "13900000101";
const LISTED = "13900000102";
const CALLER = "13900000103";
const HEADER = "社区,小区,小区地址,网格,楼栋,单元数,层数,每层户数\n";

function csv(name: string, text: string) {
  return { name, mimeType: "text/csv", buffer: Buffer.from(text, "utf8") };
}

test("a street office sets up a compound from its ledger, appoints its head, who verifies residents by roster and records for a caller", async ({
  browser,
}) => {
  const admin = await openPhone(browser, { api: await apiSession(ADMIN) });
  const page = admin.page;
  await page.goto("/me");
  await page.getByRole("link", { name: "街道与小区管理" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByRole("link", { name: "导入楼栋台账" }).click();
  await expect(page.getByRole("heading", { name: "导入楼栋台账" })).toBeVisible();

  // A ledger with one bad row: the error in Chinese, with its row and column.
  const file = page.getByLabel("楼栋台账文件");
  await file.setInputFiles(
    csv("台账.csv", `${HEADER}临城社区,幸福里,幸福路 1 号,幸福里网格,1幢,2,6,2\n临城社区,幸福里,,幸福里网格,2幢,2,六,2\n`),
  );
  await page.getByRole("button", { name: "检查（不写入）" }).click();
  await expect(page.getByText("第 3 行「层数」：应是整数")).toBeVisible();
  await expect(page.getByRole("button", { name: "导入", exact: true })).toBeDisabled();
  await page.screenshot({ path: `${SCREENSHOTS}/ledger-error.png`, fullPage: true });

  // Fixed: checked, then imported.
  await file.setInputFiles(
    csv("台账.csv", `${HEADER}临城社区,幸福里,幸福路 1 号,幸福里网格,1幢,2,6,2\n临城社区,幸福里,,幸福里网格,2幢,2,6,2\n`),
  );
  await page.getByRole("button", { name: "检查（不写入）" }).click();
  await expect(page.getByText(/将新建社区 0、小区 1、网格 1、楼栋 2、单元 4、住户 48/)).toBeVisible();
  await page.getByRole("button", { name: "导入", exact: true }).click();
  await expect(page.getByText(/^已导入：共 2 行/)).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/ledger-imported.png`, fullPage: true });
  const compounds = await (await page.request.get("/api/v1/compounds?limit=100")).json();
  const compound: number = compounds.items.find((c: { name: string }) => c.name === "幸福里").id;

  // A second grid, and 2幢 moved into it: the change is recorded.
  await page.goto("/admin");
  await page.getByRole("link", { name: "新增、修改社区小区网格楼栋" }).first().click();
  await expect(page).toHaveURL(/\/staff\/places$/);
  await page.getByLabel("社区", { exact: true }).selectOption({ label: "临城社区" });
  await page.getByLabel("小区", { exact: true }).selectOption({ label: "幸福里" });
  await page.getByLabel("新增网格").fill("幸福里二网格");
  await page.getByRole("button", { name: "新增网格" }).click();
  await expect(page.getByRole("heading", { name: "幸福里二网格" })).toBeVisible();
  await page.getByLabel("楼栋", { exact: true }).selectOption({ label: "2幢" });
  await page.getByLabel("所属网格").selectOption({ label: "幸福里二网格" });
  await page.getByRole("button", { name: "保存" }).click();
  await page.getByRole("button", { name: "刷新" }).click();
  await expect(page.getByText(/幸福里 2幢 所属网格：幸福里网格 → 幸福里二网格$/)).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/places.png`, fullPage: true });

  // The new head has signed in once; the admin appoints them, and the
  // compound's roles list the appointment with who made it and why.
  const headApi = await apiSession(HEAD);
  await page.goto("/admin");
  await page.getByRole("link", { name: "任命、撤销和任职记录" }).click();
  await expect(page).toHaveURL(/\/staff\/roles$/);
  await page.getByLabel("职务").selectOption({ label: "互助站站长" });
  await page.getByLabel("社区", { exact: true }).selectOption({ label: "临城社区" });
  await page.getByLabel("小区", { exact: true }).selectOption({ label: "幸福里" });
  await page.getByLabel("手机号").fill(HEAD);
  await page.getByLabel("任命理由").fill("居民推选");
  await page.getByRole("button", { name: "任命", exact: true }).click();
  await expect(page.getByRole("status")).toHaveText("已任命：居民0101 · 幸福里");
  await expect(page.getByRole("heading", { name: "居民0101 · 幸福里 · 互助站站长" })).toBeVisible();
  await expect(page.getByText(/任命 · 陈建国 · 居民推选$/)).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/roles.png`, fullPage: true });
  await page.evaluate(() => localStorage.setItem("linli.large_text", "1"));
  await page.goto("/admin");
  await expect(page.getByRole("link", { name: "导入楼栋台账" })).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/admin-large.png`, fullPage: true });
  await page.goto("/staff/roles");
  await expect(page.getByRole("heading", { name: "任命与撤销" })).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/roles-large.png`, fullPage: true });
  expect(admin.errors).toEqual([]);
  await admin.close();

  // The head uploads the roster.
  const head = await openPhone(browser, { api: headApi });
  await head.page.goto("/admin");
  await head.page.getByRole("link", { name: "上传住户花名册" }).click();
  await head.page
    .getByLabel("花名册文件")
    .setInputFiles(csv("花名册.csv", `楼栋,单元,房号,手机号,姓名\n1幢,1,101,${LISTED},周大爷\n`));
  await head.page.getByRole("button", { name: "检查（不写入）" }).click();
  await expect(head.page.getByText("检查结果：1 行，1 户；0 位已绑定居民不在这份名册中。")).toBeVisible();
  await head.page.getByRole("button", { name: "导入", exact: true }).click();
  await expect(head.page.getByText(/^已导入：1 行，1 户/)).toBeVisible();
  await expect(head.page.getByText(/^1 行，居民0101 上传于/)).toBeVisible();
  await head.page.screenshot({ path: `${SCREENSHOTS}/roster.png`, fullPage: true });

  // A listed resident signs in and is verified at once.
  const listed = await openPhone(browser);
  await signIn(listed.page, LISTED);
  await expect(listed.page.getByText("幸福里 1幢 1单元 101")).toBeVisible();
  await expect(listed.page.getByText("已认证")).toBeVisible();
  expect(listed.errors).toEqual([]);
  await listed.close();

  // An elderly caller phones the head, who records her affair.
  await head.page.goto(`/admin/compounds/${compound}/on-behalf`);
  await head.page.getByLabel("居民手机号").fill(CALLER);
  await head.page.getByLabel("居民称呼（没登录过的居民才需要）").fill("吴奶奶");
  await head.page.getByLabel("怎么来的").selectOption({ label: "电话" });
  await head.page.getByLabel("事情类别").selectOption({ label: "设施维修" });
  await head.page.getByLabel("楼栋", { exact: true }).selectOption({ label: "1幢" });
  await head.page.getByLabel("标题").fill("家里水龙头坏了");
  await head.page.getByLabel("经过").fill("吴奶奶打电话说厨房水龙头一直滴水，关不紧");
  await head.page.screenshot({ path: `${SCREENSHOTS}/on-behalf.png`, fullPage: true });
  await head.page.getByRole("button", { name: "登记" }).click();
  await expect(head.page.getByText("已登记，互助站会按流程办理。")).toBeVisible();
  const href = await head.page.getByRole("link", { name: "查看这件事" }).getAttribute("href");
  const affair = Number(href?.split("/").pop());
  for (const act of ["accept", "resolve"]) {
    const done = await headApi.post(`/api/v1/affairs/${affair}/events`, {
      data: { act, note: "换了新的水龙头" },
    });
    expect(done.status()).toBe(201);
  }
  expect(head.errors).toEqual([]);
  await head.close();

  // She signs in later (her grandson helps): the affair is hers to rate.
  const caller = await openPhone(browser, { api: await apiSession(CALLER) });
  await caller.page.goto(`/affairs/${affair}`);
  await expect(caller.page.getByRole("heading", { name: "家里水龙头坏了" })).toBeVisible();
  await caller.page.getByRole("button", { name: "已解决，去评价" }).click();
  await caller.page.getByRole("button", { name: "非常满意", exact: true }).click();
  await caller.page.getByRole("button", { name: "提交评价" }).click();
  await expect(caller.page.getByText("评价 非常满意")).toBeVisible();
  expect(caller.errors).toEqual([]);
  await caller.close();
});

// 何建平 (7) sits on 海景花园's station (a number no other journey signs in
// with: one code a minute per number). 徐国庆 (13912340003), listed on the
// demo roster but never signed in, phones him: he registers 徐国庆 for the
// parking meeting and puts his name down for the full visiting slot, where
// he waits; signed in later, 徐国庆 finds both his.
const STATION_MEMBER = "13800000007";
const PHONED = "13912340003";

test("a station member signs up a resident who phoned for a meeting and a volunteer place", async ({ browser }) => {
  const head = await openPhone(browser, { api: await apiSession(STATION_MEMBER) });
  const page = head.page;
  await page.goto("/admin");
  await page.getByRole("link", { name: "替居民报名会议、认领志愿岗位" }).click();
  await expect(page.getByRole("heading", { name: "替居民报名、认领" })).toBeVisible();
  const errand = page.getByLabel("报名哪一项");
  const option = async (text: string) =>
    (await page.locator("#errand option", { hasText: text }).getAttribute("value")) ?? "";
  const meeting = await option("北门停车位重新划线");
  const visits = await option("独居老人上门探访");

  // A bad number: named in Chinese, nothing written.
  await errand.selectOption(meeting);
  await page.getByLabel("居民手机号").fill("12345");
  await page.getByRole("button", { name: "替居民登记" }).click();
  await expect(page.getByRole("alert")).toHaveText("请选择会议或志愿岗位，并填写居民的手机号");

  for (const path of [meeting, visits]) {
    await errand.selectOption(path);
    await page.getByLabel("居民手机号").fill(PHONED);
    await page.getByLabel("称呼（没登录过的居民）").fill("徐国庆");
    await page.getByLabel("怎么来的").selectOption({ label: "电话" });
    await page.getByRole("button", { name: "替居民登记" }).click();
    await expect(page.getByRole("status")).toHaveText("已替居民登记。居民用这个手机号登录后能看到。");
  }
  await page.screenshot({ path: `${SCREENSHOTS}/for-resident.png`, fullPage: true });
  expect(head.errors).toEqual([]);
  await head.close();

  const resident = await apiSession(PHONED);
  const topic = await (await resident.get(`/api/v1${meeting.replace("/registrations", "")}`)).json();
  expect(topic.meeting.mine).toBe(true);
  const slot = Number(visits.split("/")[2]);
  const compounds = await (await resident.get("/api/v1/compounds?limit=100")).json();
  const haijing = compounds.items.find((c: { name: string }) => c.name === "海景花园").id;
  const posts = await (await resident.get(`/api/v1/posts?compound_id=${haijing}`)).json();
  const mine = posts.items
    .flatMap((p: { slots: { id: number; mine: string | null }[] }) => p.slots)
    .find((s: { id: number }) => s.id === slot);
  expect(mine.mine).toBe("waiting");
});
