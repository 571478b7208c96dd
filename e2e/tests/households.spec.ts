import { test, expect, SCREENSHOTS } from "./fixtures";
import { openPhone } from "./pages/phones";
import { signIn } from "./pages/sign-in";
import { StationPage } from "./pages/station";

// 张国强 is deputy head of 海景花园's station; 李阿婆 (李桂兰) lives in its 1号楼.
// (The sign-in journey uses the head: each number gets one code a minute.)
const DEPUTY = "13800000003";
const RESIDENT = "13800000044";

test("an invite link, a household request, the station's approval", async ({ page, browser }) => {
  // A station member makes a link for 1号楼 to share in the building's WeChat group.
  // The desk is a bundle of its own: signing in on the residents' app hands over to it.
  const wasm: string[] = [];
  page.on("request", (r) => r.url().endsWith(".wasm") && wasm.push(new URL(r.url()).pathname));
  await page.goto("/station");
  await page.getByRole("main").getByRole("link", { name: "登录" }).click();
  await expect(page).toHaveURL(/\/sign-in\?next=\/station$/);
  await expect(page.getByLabel("手机号")).toBeVisible();
  await signIn(page, DEPUTY, "/station");
  await expect.poll(() => wasm.some((p) => p.startsWith("/station/"))).toBe(true);
  const station = new StationPage(page);
  await expect(page.getByRole("heading", { name: "互助站工作台" })).toBeVisible();
  await expect(station.nothingPending).toBeVisible();
  await expect(page.getByLabel("楼栋")).toHaveValue(/\d+/);
  await station.makeInvite.click();
  await expect(station.inviteLink).toContainText("/invites/");
  const link = (await station.inviteLink.textContent()) ?? "";
  await page.screenshot({ path: `${SCREENSHOTS}/station-invite.png`, fullPage: true });

  // The resident opens it on their own phone, signs in, and finds it filled in.
  const phone = await openPhone(browser);
  const resident = phone.page;
  const residentErrors = phone.errors;
  await resident.goto(link);
  await expect(resident.getByRole("heading", { name: "邀请您绑定住户" })).toBeVisible();
  await expect(resident.getByText("海景花园 1号楼")).toBeVisible();
  await resident.getByRole("link", { name: "登录后继续" }).click();
  await expect(resident).toHaveURL(/\/sign-in\?next=/);
  const path = new URL(link).pathname;
  await signIn(resident, RESIDENT, path);
  await expect(resident.getByLabel("楼栋")).toBeDisabled();
  await resident.getByLabel("单元").selectOption("2单元");
  await resident.getByLabel("房号").fill("301");
  await resident.screenshot({ path: `${SCREENSHOTS}/invite-form.png`, fullPage: true });
  await resident.getByRole("button", { name: "提交" }).click();
  await expect(resident).toHaveURL(/\/me$/);
  await expect(resident.getByText("海景花园 1号楼 2单元 301")).toBeVisible();
  await expect(resident.getByText("等待互助站确认")).toBeVisible();

  // The deputy sees it waiting, with the number to call, and confirms it.
  await station.goto();
  const card = station.request("李阿婆（李桂兰）");
  await expect(card).toContainText("海景花园 1号楼 2单元 301");
  await expect(card.getByRole("link", { name: RESIDENT })).toHaveAttribute("href", `tel:${RESIDENT}`);
  await page.screenshot({ path: `${SCREENSHOTS}/station-pending.png`, fullPage: true });
  await card.getByRole("button", { name: "确认" }).click();
  await expect(station.nothingPending).toBeVisible();

  // From the desk, the top bar leads back to the residents' app.
  await page.getByRole("banner").getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: "宁安街道" })).toBeVisible();

  // The resident's page shows the verified household.
  await resident.reload();
  await expect(resident.getByText("已认证")).toBeVisible();
  await resident.screenshot({ path: `${SCREENSHOTS}/me-verified.png`, fullPage: true });
  expect(residentErrors).toEqual([]);
  await phone.close();
});
