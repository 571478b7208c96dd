import type { APIRequestContext } from "@playwright/test";
import { test, expect, SCREENSHOTS } from "./fixtures";
import { apiSession, openPhone } from "./pages/phones";

// 临城佳苑 (compound 3): its station head 周 (13800000019) approves and
// posts; members of its station who live there volunteer (20, 21, 22);
// 赵小宝 (47) joins the pool. Numbers no other journey signs in with.
const HEAD = "13800000019";
const VOLUNTEERS = ["13800000020", "13800000021", "13800000022"];
const APPLICANT = "13800000047";




/** `YYYY-MM-DDTHH:MM` in China time, `minutes` from now. */
function chinaLocal(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000 + 8 * 3_600_000).toISOString().slice(0, 16);
}

test("joins the pool, claims a weekly patrol, waits, moves up, checks in and out, sees the hours", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const head = await apiSession(HEAD);
  const detail = await (await head.get("/api/v1/compounds/3")).json();
  const building: number = detail.grids[0].buildings[0].id;
  const residents: Record<string, APIRequestContext> = {};
  for (const [who, room] of [
    [VOLUNTEERS[0], "101"],
    [VOLUNTEERS[1], "102"],
    [VOLUNTEERS[2], "201"],
    [APPLICANT, "202"],
  ]) {
    residents[who] = await apiSession(who);
    const asked = await residents[who].post("/api/v1/household-requests", {
      data: { building_id: building, unit: "1单元", room },
    });
    expect(asked.status()).toBe(201);
    const { id } = await asked.json();
    expect((await head.post(`/api/v1/household-requests/${id}/approvals`)).status()).toBe(201);
  }

  // 赵小宝 offers a skill.
  const applicant = await openPhone(browser, { api: residents[APPLICANT], compound: "3|临城佳苑" });
  const a = applicant.page;
  await a.goto("/compounds/3");
  await a.getByRole("link", { name: "志愿服务" }).click();
  await a.getByRole("link", { name: "我有一技之长，加入能人库" }).click();
  await a.getByRole("button", { name: "水电维修" }).click();
  await a.getByLabel("什么时候有空").fill("周末上午");
  await a.getByLabel("介绍一下自己（可不填）").fill("在水电站干过二十年");
  await a.getByRole("button", { name: "提交" }).click();
  await expect(a.getByText("已提交，等互助站审核")).toBeVisible();

  // The head approves, then posts a weekly patrol with two places; its
  // first slot began ten minutes ago.
  const station = await openPhone(browser, { api: head, compound: "3|临城佳苑" });
  const s = station.page;
  await s.goto("/staff/pool-applications");
  await expect(s.getByText("在水电站干过二十年")).toBeVisible();
  await s.getByRole("button", { name: "同意加入" }).click();
  await expect(s.getByText("没有待审核的申请")).toBeVisible();
  await s.goto("/pool/posts/new");
  await s.getByLabel("岗位名称").fill("夜间安全巡逻");
  await s.getByLabel("做什么").fill("沿小区四周巡查，留意门窗和消防通道");
  await s.getByLabel("在哪里").fill("北门岗亭集合");
  await s.getByLabel("每次几个人").fill("2");
  await s.getByLabel("第一次开始时间").fill(chinaLocal(-10));
  await s.getByRole("button", { name: "提交" }).click();
  await expect(s).toHaveURL(/\/pool\/posts\/\d+$/);
  const path = new URL(s.url()).pathname;
  await expect(s.getByText("0/2 已认领")).toHaveCount(4);

  // Three volunteers want next week's patrol: two get places, one waits.
  const phones = [];
  for (const v of VOLUNTEERS) phones.push(await openPhone(browser, { api: residents[v], compound: "3|临城佳苑" }));
  const nextWeek = (page: typeof s) => page.getByTestId("slot").nth(1);
  for (const [i, v] of phones.entries()) {
    await v.page.goto(path);
    await nextWeek(v.page).getByRole("button", { name: "认领" }).click();
    await expect(nextWeek(v.page).getByText(i < 2 ? "已认领" : "候补中", { exact: true })).toBeVisible();
  }
  await phones[2].page.screenshot({ path: `${SCREENSHOTS}/pool-post.png`, fullPage: true });
  // One cancels; the one waiting moves up.
  await nextWeek(phones[1].page).getByRole("button", { name: "取消认领" }).click();
  // The cancellation is saved before the one waiting looks again.
  await expect(nextWeek(phones[1].page).getByRole("button", { name: "认领", exact: true })).toBeVisible();
  await phones[2].page.reload();
  await expect(nextWeek(phones[2].page).getByText("已认领", { exact: true })).toBeVisible();

  // Tonight's patrol: a place, the code the head shows, in and out.
  const v = phones[0].page;
  const tonight = v.getByTestId("slot").first();
  await tonight.getByRole("button", { name: "认领" }).click();
  await s.reload();
  await s.getByRole("button", { name: "显示签到码" }).first().click();
  const shown = (await s.getByText(/签到码：\d{6}/).textContent()) ?? "";
  const code = /\d{6}/.exec(shown)?.[0] ?? "";
  await tonight.getByLabel("签到码").fill(code);
  await tonight.getByRole("button", { name: "签到", exact: true }).click();
  // A minute on duty, then out.
  await expect(tonight.getByRole("button", { name: "签退", exact: true })).toBeVisible();
  await v.waitForTimeout(61_000);
  await tonight.getByLabel("签到码").fill(code);
  await tonight.getByRole("button", { name: "签退", exact: true }).click();
  await expect(tonight.getByText("服务 0 小时 1 分")).toBeVisible();

  // The hours are on the volunteer's record.
  await v.goto("/pool/record");
  await expect(v.getByText("0 小时 1 分").first()).toBeVisible();
  await expect(v.getByText("夜间安全巡逻")).toBeVisible();
  await v.screenshot({ path: `${SCREENSHOTS}/pool-record.png`, fullPage: true });
  await a.goto("/pool");
  await expect(a.getByText("夜间安全巡逻")).toBeVisible();
  await a.screenshot({ path: `${SCREENSHOTS}/pool-posts.png`, fullPage: true });

  // Large text.
  for (const [page, name, url] of [
    [a, "pool-posts-large", "/pool"],
    [phones[2].page, "pool-post-large", path],
    [v, "pool-record-large", "/pool/record"],
  ] as const) {
    await page.evaluate(() => localStorage.setItem("linli.large_text", "1"));
    await page.goto(url);
    await expect(page.getByText("夜间安全巡逻").first()).toBeVisible();
    await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
  }

  for (const p of [applicant, station, ...phones]) {
    expect(p.errors).toEqual([]);
    await p.close();
  }
});
