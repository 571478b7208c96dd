import type { APIRequestContext } from "@playwright/test";
import { test, expect, SCREENSHOTS } from "./fixtures";
import { apiSession, openPhone } from "./pages/phones";

// 东港新村 (compound 2), whose station head 李桂芳 convenes. Members of its
// station live there too: 吴秀兰 and 郑大勇 share 1幢 1单元 101, 冯玉梅 lives in
// 102, 褚卫东 in 201 and 卫红霞 in 202. (Numbers no other journey signs in
// with: each number gets one code a minute.)
const HEAD = "13800000011";
const A1 = "13800000013";
const A2 = "13800000014";
const B = "13800000015";
const C1 = "13800000016";
const C2 = "13800000017";




test("proposed, supported, adopted, discussed, pledged, voted per household, concluded, on the board", async ({
  page,
  browser,
}) => {
  // The residents' households are verified by the station first.
  const head = await apiSession(HEAD);
  const detail = await (await head.get("/api/v1/compounds/2")).json();
  const building: number = detail.grids[0].buildings[0].id;
  const residents: Record<string, APIRequestContext> = {};
  for (const [who, room] of [
    [A1, "101"],
    [A2, "101"],
    [B, "102"],
    [C1, "201"],
    [C2, "202"],
  ]) {
    residents[who] = await apiSession(who);
    const asked = await residents[who].post("/api/v1/household-requests", {
      data: { building_id: building, unit: "1单元", room },
    });
    expect(asked.status()).toBe(201);
    const { id } = await asked.json();
    expect((await head.post(`/api/v1/household-requests/${id}/approvals`)).status()).toBe(201);
  }

  // 吴秀兰 proposes a topic from her compound's page.
  const proposer = await openPhone(browser, { api: residents[A1] });
  const a1 = proposer.page;
  await a1.goto("/compounds/2");
  await a1.getByRole("link", { name: "议事协商" }).click();
  await expect(a1).toHaveURL(/\/consultations\?compound=2$/);
  await a1.getByRole("link", { name: "我来提议题" }).click();
  await a1.getByLabel("议题").fill("1幢加装电梯");
  await a1.getByLabel("为什么要商量").fill("楼里老人多，六楼的王奶奶已经半年没下楼了。");
  await a1.getByLabel("资金（元）").fill("200000");
  await a1.getByRole("button", { name: "提交" }).click();
  await expect(a1).toHaveURL(/\/consultations\/\d+$/);
  const path = new URL(a1.url()).pathname;
  await expect(a1.getByText("征集支持")).toBeVisible();

  // Two neighbours support it.
  const neighbours = [await openPhone(browser, { api: residents[C1] }), await openPhone(browser, { api: residents[C2] })];
  for (const n of neighbours) {
    await n.page.goto(path);
    await n.page.getByRole("button", { name: "支持这个议题" }).click();
    await expect(n.page.getByText("已支持")).toBeVisible();
  }
  await expect(neighbours[1].page.getByText("2 人支持")).toBeVisible();

  // The head adopts it and opens the discussion.
  const convenor = await openPhone(browser, { api: head });
  await convenor.page.goto(path);
  await convenor.page.getByRole("button", { name: "采纳议题" }).click();
  await convenor.page.getByRole("button", { name: "开始讨论" }).click();
  await expect(convenor.page.getByText("讨论中")).toBeVisible();

  // Two households speak, propose and pledge.
  await a1.reload();
  await a1.getByLabel("说说您的看法").fill("我家愿意多出一些，老人实在需要。");
  await a1.getByRole("button", { name: "发表" }).click();
  await expect(a1.getByText("我家愿意多出一些")).toBeVisible();
  await a1.getByRole("button", { name: "出钱" }).click();
  await a1.getByLabel("数量（元）").fill("20000");
  await a1.getByRole("button", { name: "我来出" }).click();
  await expect(a1.getByText(/出钱：20000 元/)).toBeVisible();
  // 吴秀兰 reads in large text from here on.
  await a1.evaluate(() => localStorage.setItem("linli.large_text", "1"));
  await a1.reload();
  await expect(a1.getByText("我家愿意多出一些")).toBeVisible();
  await a1.screenshot({ path: `${SCREENSHOTS}/consultation-topic-large.png`, fullPage: true });
  const second = await openPhone(browser, { api: residents[B] });
  const b = second.page;
  await b.goto(path);
  await b.getByLabel("说说您的看法").fill("按楼层分摊费用，一楼少出。");
  await b.getByLabel("这是一个主意（我来出主意）").check();
  await b.getByRole("button", { name: "发表" }).click();
  await expect(b.getByText("主意", { exact: true })).toBeVisible();
  await b.getByRole("button", { name: "出力" }).click();
  await b.getByLabel("数量（小时）").fill("8");
  await b.getByRole("button", { name: "我来出" }).click();
  await expect(b.getByText(/出力：8 小时/)).toBeVisible();
  await b.screenshot({ path: `${SCREENSHOTS}/consultation-topic.png`, fullPage: true });

  // The head opens the vote: one per household.
  await convenor.page.reload();
  await convenor.page.getByLabel("投票选项（每行一个）").fill("同意加装\n不同意");
  await convenor.page.getByRole("button", { name: "开始投票" }).click();
  await expect(convenor.page.getByText("投票中")).toBeVisible();

  // 吴秀兰 votes for her household; 郑大勇, of the same household, cannot.
  await a1.reload();
  await a1.getByRole("button", { name: "同意加装" }).click();
  await a1.getByRole("button", { name: "投票", exact: true }).click();
  await expect(a1.getByText("您已投票")).toBeVisible();
  await a1.screenshot({ path: `${SCREENSHOTS}/consultation-ballot-large.png`, fullPage: true });
  const sameHousehold = await openPhone(browser, { api: residents[A2] });
  await sameHousehold.page.goto(path);
  await expect(sameHousehold.page.getByText("您家已由这位家人投票：吴秀兰")).toBeVisible();
  await expect(sameHousehold.page.getByRole("button", { name: "同意加装" })).toHaveCount(0);
  await sameHousehold.page.screenshot({ path: `${SCREENSHOTS}/consultation-household-voted.png`, fullPage: true });
  const refused = await residents[A2].put(`/api/v1${path}/ballot`, { data: { choices: [1] } });
  expect(refused.status()).toBe(409);
  await b.reload();
  await expect(b.getByRole("button", { name: "同意加装" })).toBeVisible();
  await b.screenshot({ path: `${SCREENSHOTS}/consultation-ballot.png`, fullPage: true });
  await b.getByRole("button", { name: "同意加装" }).click();
  await b.getByRole("button", { name: "投票", exact: true }).click();
  await expect(b.getByText("参与 2/4 · 达到最低参与比例")).toBeVisible();

  // The head closes the vote and publishes the outcome with an action item.
  await convenor.page.reload();
  await convenor.page.getByLabel("决定").fill("同意加装电梯，费用按楼层分摊");
  await convenor.page.getByLabel("理由").fill("四户中两户投票，全部同意，达到参与比例。");
  await convenor.page.getByLabel("需要大家一起做的事（每行一件）").fill("联系电梯公司报价");
  await convenor.page.getByRole("button", { name: "结束投票，公布结果" }).click();
  await expect(convenor.page.getByText("已出结果")).toBeVisible();

  // A resident signs up for the action item.
  await b.reload();
  await b.getByRole("button", { name: "我来做" }).click();
  await expect(b.getByText("已报名")).toBeVisible();
  await b.screenshot({ path: `${SCREENSHOTS}/consultation-results.png`, fullPage: true });

  // The public board shows the outcome, signed in or not.
  await page.goto("/boards/2");
  await expect(page.getByRole("heading", { name: "议事结果" })).toBeVisible();
  await expect(page.getByText("同意加装电梯，费用按楼层分摊")).toBeVisible();

  // Large text, for the screenshots residents will see.
  await b.evaluate(() => localStorage.setItem("linli.large_text", "1"));
  await b.reload();
  await expect(b.getByText("协商结果")).toBeVisible();
  await b.screenshot({ path: `${SCREENSHOTS}/consultation-results-large.png`, fullPage: true });

  for (const p of [proposer, ...neighbours, convenor, second, sameHousehold]) {
    expect(p.errors).toEqual([]);
    await p.close();
  }
});
