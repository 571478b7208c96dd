import type { APIRequestContext } from "@playwright/test";
import { test, expect, SCREENSHOTS } from "./fixtures";
import { apiSession, openPhone } from "./pages/phones";

// 海景花园 (compound 1) is served by its property company; 林晓燕 (36) is
// staff of 东港社区 and lists it, 黄志明 (37) is its liaison. 孙立新 (5) and
// 钱芳 (6), members of the station, live in 1号楼 and rate it; its deputy
// 张国强 (3) verifies their households (the head's number is the sign-in
// journey's, just before: each number gets one code a minute).
const STAFF = "13800000036";
const LIAISON = "13800000037";
const DEPUTY = "13800000003";
const RATERS = ["13800000005", "13800000006"];




test("two households rate the property company, the liaison answers, the report adds up", async ({
  browser,
}) => {
  const staff = await apiSession(STAFF);
  const listed = await staff.post("/api/v1/service-units", {
    data: { community_id: 1, name: "海景物业服务中心", kind: "property", compound_ids: [1], liaison_id: 37 },
  });
  expect(listed.status()).toBe(201);
  const unit: number = (await listed.json()).id;
  const deputy = await apiSession(DEPUTY);
  const detail = await (await deputy.get("/api/v1/compounds/1")).json();
  const building: number = detail.grids[0].buildings[0].id;
  const raters = [];
  for (const [i, who] of RATERS.entries()) {
    const api = await apiSession(who);
    const asked = await api.post("/api/v1/household-requests", {
      data: { building_id: building, unit: "1单元", room: `40${i + 1}` },
    });
    const { id } = await asked.json();
    expect((await deputy.post(`/api/v1/household-requests/${id}/approvals`)).status()).toBe(201);
    raters.push(await openPhone(browser, { api }));
  }

  // One is satisfied; the other is not, and must say why.
  const [a, b] = raters.map((r) => r.page);
  await a.goto("/compounds/1");
  await a.getByRole("link", { name: "服务评价" }).click();
  await expect(a).toHaveURL(/\/units\?compound=1$/);
  await a.getByRole("button", { name: "满意", exact: true }).click();
  await a.getByRole("button", { name: "提交评价" }).click();
  await expect(a.getByText("本月已评：满意")).toBeVisible();
  await b.goto("/units?compound=1");
  await b.getByRole("button", { name: "非常不满意" }).click();
  await b.getByRole("button", { name: "提交评价" }).click();
  await expect(b.getByRole("alert")).toHaveText("不满意请写明哪里做得不好");
  await b.getByLabel("想说的话（不满意必填）").fill("楼道垃圾三天没人清");
  await b.screenshot({ path: `${SCREENSHOTS}/units-rate.png`, fullPage: true });
  await b.getByRole("button", { name: "提交评价" }).click();
  await expect(b.getByText("本月已评：非常不满意")).toBeVisible();

  // The liaison reads the report (never who rated) and answers.
  const liaison = await openPhone(browser, { api: await apiSession(LIAISON) });
  const l = liaison.page;
  await l.goto(`/units/${unit}/report`);
  await expect(l.getByRole("heading", { name: "海景物业服务中心" })).toBeVisible();
  await expect(l.getByText("50.0%（1/2）")).toBeVisible();
  await expect(l.getByText(/样本较小/)).toBeVisible();
  await expect(l.getByText("楼道垃圾三天没人清")).toBeVisible();
  await expect(l.getByText("钱芳")).toHaveCount(0);
  await l.getByLabel("回访情况").fill("已安排保洁每天清运");
  await l.getByLabel("已整改").check();
  await l.getByRole("button", { name: "保存回访" }).click();
  await expect(l.getByText("回访：已安排保洁每天清运（已整改）")).toBeVisible();
  await expect(l.getByText("100.0%（1/1）").first()).toBeVisible();
  await l.screenshot({ path: `${SCREENSHOTS}/unit-report.png`, fullPage: true });
  await l.evaluate(() => localStorage.setItem("linli.large_text", "1"));
  await l.reload();
  await expect(l.getByRole("heading", { name: "海景物业服务中心" })).toBeVisible();
  await l.screenshot({ path: `${SCREENSHOTS}/unit-report-large.png`, fullPage: true });

  for (const p of [...raters, liaison]) {
    expect(p.errors).toEqual([]);
    await p.close();
  }
});
