import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { test, expect } from "./fixtures";
import { apiSession, openPhone } from "./pages/phones";

// Two residents of 海景花园 on the roster, whom no other journey signs in
// with: 周玉兰 (2号楼 1单元 101) and 林美华 (5号楼 2单元 1101). Their
// households are verified at their first sign-in.
const ZHOU = "13912340001";
const LIN = "13912340004";

/** Two taps in the same instant, as a trembling thumb gives them. */
async function doubleTap(button: Locator) {
  await button.evaluate((el: HTMLElement) => {
    el.click();
    el.click();
  });
}

/** The next `method` request whose path ends with `tail` reaches the
 * server, which does the act; its answer is lost on the way back, as on a
 * 4G hand-over. */
async function loseNextAnswer(page: Page, tail: string, method = "POST") {
  let lost = false;
  await page.route(
    (url) => url.pathname.endsWith(tail),
    async (route) => {
      if (lost || route.request().method() !== method) return route.continue();
      lost = true;
      await route.fetch();
      await route.abort("internetdisconnected");
    },
  );
}

/** The browser's own report of the request we cut, which is expected. */
const cut = (e: string) => !e.includes("ERR_INTERNET_DISCONNECTED");

async function json(api: APIRequestContext, path: string) {
  const answer = await api.get(`/api/v1${path}`);
  expect(answer.status()).toBe(200);
  return answer.json();
}

test("a double tap or a lost answer records one comment, one registration, one vote", async ({ browser }) => {
  test.setTimeout(90_000);
  const zhou = await apiSession(ZHOU);
  const topics = (await json(zhou, "/consultations?compound_id=1&limit=50")).items;
  const discussion = topics.find((t: { state: string }) => t.state === "discussion").id;
  const voting = topics.find((t: { state: string; title: string }) => t.state === "voting" && t.title.includes("分类")).id;
  const phone = await openPhone(browser, { api: zhou, compound: "1|海景花园" });
  const page = phone.page;
  const comments = async () =>
    (await json(zhou, `/consultations/${discussion}/comments?limit=100`)).items.filter((c: { body: string }) =>
      c.body.startsWith("周玉兰："),
    ).length;

  // 发表, tapped twice at once: one comment.
  await page.goto(`/consultations/${discussion}`);
  await page.getByLabel("说说您的看法").fill("周玉兰：晚上车太多，消防通道要留出来");
  await doubleTap(page.getByRole("button", { name: "发表" }));
  await expect(page.getByText("周玉兰：晚上车太多")).toHaveCount(1);
  expect(await comments()).toBe(1);

  // The next comment's answer is lost: the app says so, the resident taps
  // again, the server answers what it did the first time.
  await loseNextAnswer(page, "/comments");
  await page.getByLabel("说说您的看法").fill("周玉兰：可以请物业晚上巡一次");
  await page.getByRole("button", { name: "发表" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  expect(await comments()).toBe(2);
  await page.getByRole("button", { name: "发表" }).click();
  await expect(page.getByText("周玉兰：可以请物业晚上巡一次")).toHaveCount(1);
  await expect(page.getByRole("alert")).toHaveCount(0);
  expect(await comments()).toBe(2);

  // 我要参加 whose answer is lost, then tapped twice: registered once.
  const registered = async () => (await json(zhou, `/consultations/${discussion}`)).meeting.registered;
  const before = await registered();
  await loseNextAnswer(page, "/registrations");
  await page.getByRole("button", { name: "我要参加" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  expect(await registered()).toBe(before + 1);
  await doubleTap(page.getByRole("button", { name: "我要参加" }));
  await expect(page.getByText("已报名", { exact: true })).toBeVisible();
  expect(await registered()).toBe(before + 1);

  // 投票, tapped twice after a lost answer: one ballot for the household.
  const turnout = async (): Promise<number> => (await json(zhou, `/consultations/${voting}`)).vote.tally.turnout;
  const votes = await turnout();
  await page.goto(`/consultations/${voting}`);
  await page.getByRole("button", { name: "北门车棚旁设一个点", exact: true }).click();
  await loseNextAnswer(page, "/ballot", "PUT");
  await page.getByRole("button", { name: "投票", exact: true }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await doubleTap(page.getByRole("button", { name: "投票", exact: true }));
  await expect(page.getByText("您已投票")).toBeVisible();
  expect(await turnout()).toBe(votes + 1);

  expect(phone.errors.filter(cut)).toEqual([]);
  await phone.close();
});

test("a double tap or a lost answer claims one place, cancels it once, says me too once", async ({ browser }) => {
  test.setTimeout(90_000);
  const lin = await apiSession(LIN);
  type Slot = { id: number; confirmed: number; mine: string | null; starts_at: string };
  type Post = { id: number; places: number; slots: Slot[] };
  const posts: Post[] = (await json(lin, "/posts?compound_id=1")).items;
  const post = posts.find((p) => p.slots.some((s) => s.confirmed < p.places - 1 && Date.parse(s.starts_at) > Date.now()))!;
  const index = post.slots.findIndex((s) => s.confirmed < post.places - 1 && Date.parse(s.starts_at) > Date.now());
  const slot = post.slots[index].id;
  const confirmed = async () => {
    const now: Post = await json(lin, `/posts/${post.id}`);
    return now.slots.find((s) => s.id === slot)!.confirmed;
  };
  const phone = await openPhone(browser, { api: lin, compound: "1|海景花园" });
  const page = phone.page;
  const card = page.getByTestId("slot").nth(index);
  const places = await confirmed();

  // 认领, tapped twice at once: one place.
  await page.goto(`/pool/posts/${post.id}`);
  await doubleTap(card.getByRole("button", { name: "认领" }));
  await expect(card.getByText("已认领", { exact: true })).toBeVisible();
  expect(await confirmed()).toBe(places + 1);

  // 取消认领 whose answer is lost, then tapped twice: cancelled once, and
  // the place is free again.
  await loseNextAnswer(page, `/slots/${slot}/cancellations`);
  await card.getByRole("button", { name: "取消认领" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  expect(await confirmed()).toBe(places);
  await doubleTap(card.getByRole("button", { name: "取消认领" }));
  await expect(card.getByRole("button", { name: "认领" })).toBeVisible();
  expect(await confirmed()).toBe(places);

  // 认领 again after a lost answer: one place.
  await loseNextAnswer(page, `/slots/${slot}/claims`);
  await card.getByRole("button", { name: "认领" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await card.getByRole("button", { name: "认领" }).click();
  await expect(card.getByText("已认领", { exact: true })).toBeVisible();
  expect(await confirmed()).toBe(places + 1);

  // 我也遇到了 on a neighbour's affair, tapped twice: one "me too".
  type Affair = { id: number; status: string; private: boolean; mine: boolean; seconded: boolean; seconds: number };
  const affairs: Affair[] = (await json(lin, "/affairs?compound_id=1&limit=50")).items;
  const open = affairs.find(
    (a) => !a.mine && !a.seconded && !a.private && ["open", "in_progress"].includes(a.status),
  )!;
  await page.goto(`/affairs/${open.id}`);
  await doubleTap(page.getByRole("button", { name: "我也遇到了（附议）" }));
  await expect(page.getByText("已附议")).toBeVisible();
  const after: Affair = await json(lin, `/affairs/${open.id}`);
  expect(after.seconds).toBe(open.seconds + 1);

  expect(phone.errors.filter(cut)).toEqual([]);
  await phone.close();
});
