import type { Page } from "@playwright/test";
import { test, expect, SCREENSHOTS } from "./fixtures";
import { signIn } from "./pages/sign-in";
import { AffairPage } from "./pages/affair";
import { openPhone } from "./pages/phones";

// 王药师 lives in 海景花园; 赵敏 is secretary-general of its station (the head's
// number is the sign-in journey's: each number gets one code a minute);
// 刘海燕 is the worker of its first grid, which holds 1号楼.
const RESIDENT = "13800000046";
const STATION = "13800000004";
const GRID = "13800000009";


/** A real JPEG, drawn by the browser, as a phone camera would hand over. */
async function photo(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 2000;
    canvas.height = 1500;
    const g = canvas.getContext("2d")!;
    g.fillStyle = "#8a6d3b";
    g.fillRect(0, 0, 2000, 1500);
    g.fillStyle = "#333";
    g.fillRect(700, 300, 600, 900);
    return canvas.toDataURL("image/jpeg", 0.9);
  });
  return Buffer.from(dataUrl.split(",")[1], "base64");
}

test("filed with a photo, passed to the grid, resolved, rated poorly, called back, re-rated", async ({
  page,
  browser,
}) => {
  // The resident starts from their compound's page and is asked to sign in.
  await page.goto("/compounds/1");
  await page.getByRole("link", { name: "我要报事" }).click();
  await expect(page).toHaveURL(/\/affairs\/new\?compound=1$/);
  await expect(page.getByText("登录后就能报事")).toBeVisible();
  await signIn(page, RESIDENT, "/affairs/new?compound=1");

  // The form: kind, one line, details, where, a photo.
  const form = page.getByRole("main");
  await form.getByRole("button", { name: "设施维修" }).click();
  await form.getByLabel("一句话说明").fill("1号楼单元门禁坏了");
  await form.getByLabel("详细情况").fill("刷卡没反应，老人进不了门。");
  // The unfinished form survives the web view being closed.
  await page.reload();
  await expect(form.getByLabel("一句话说明")).toHaveValue("1号楼单元门禁坏了");
  await expect(form.getByRole("button", { name: "设施维修" })).toHaveAttribute("aria-pressed", "true");
  await form.getByLabel("楼栋").selectOption({ label: "1号楼" });
  await form.locator('input[type="file"]').setInputFiles({
    name: "door.jpg",
    mimeType: "image/jpeg",
    buffer: await photo(page),
  });
  await expect(form.locator("img")).toHaveCount(1);
  await expect(form.getByText("正在上传照片")).toHaveCount(0);
  await page.screenshot({ path: `${SCREENSHOTS}/affair-new.png`, fullPage: true });
  await form.getByRole("button", { name: "提交" }).click();
  await expect(page).toHaveURL(/\/affairs\/\d+$/);
  const path = new URL(page.url()).pathname;
  const resident = new AffairPage(page);
  await expect(resident.state).toHaveText("待受理 · 互助站");
  await expect(page.locator("article img")).toHaveCount(1);

  // The station sees it in its queue, accepts it and passes it to the grid.
  const station = await openPhone(browser);
  await signIn(station.page, STATION, "/station");
  const card = station.page.getByRole("link").filter({ hasText: "1号楼单元门禁坏了" });
  await expect(card).toBeVisible();
  await station.page.screenshot({ path: `${SCREENSHOTS}/station-queue.png`, fullPage: true });
  await card.click();
  const desk = new AffairPage(station.page);
  await desk.act("受理");
  await expect(desk.state).toHaveText("办理中 · 互助站");
  await desk.act("转网格（共议）", "门禁要物业换模块，请网格员协调");
  await expect(desk.state).toHaveText("待受理 · 网格员");

  // The grid worker accepts and resolves it.
  const grid = await openPhone(browser);
  await signIn(grid.page, GRID, path);
  const worker = new AffairPage(grid.page);
  await worker.act("受理");
  await worker.act("办结", "物业已更换门禁读卡模块");
  await expect(worker.state).toHaveText("已解决，待确认 · 网格员");

  // The resident was told at every step, and rates the handling poorly.
  await page.goto("/notices");
  await expect(page.getByText("刘海燕 办结")).toBeVisible();
  await page.goto(path);
  await resident.rate("不满意", "修好后第二天又坏了");
  await expect(page.getByText("评价 不满意")).toBeVisible();
  await expect(page.getByText(/回访期限/)).toBeVisible();

  // The grid worker calls back and records it.
  await grid.page.reload();
  await expect(grid.page.getByText("评价 不满意：修好后第二天又坏了")).toBeVisible();
  await grid.page.getByLabel("回访情况和处理结果").fill("电话回访，物业又换了一次电源");
  await grid.page.getByRole("button", { name: "保存回访" }).click();
  await expect(grid.page.getByText("回访人：刘海燕")).toBeVisible();

  // The resident rates again; the timeline shows every step.
  await page.reload();
  await expect(page.getByRole("heading", { name: "回访之后，您现在满意吗？" })).toBeVisible();
  await resident.rate("满意", undefined, false);
  await expect(page.getByText("回访后评价 满意")).toBeVisible();
  await expect(resident.steps).toHaveCount(9);
  await page.screenshot({ path: `${SCREENSHOTS}/affair-timeline.png`, fullPage: true });

  // The station's figures count it: three demo affairs and this one; the
  // demo's 非常满意 and this 满意 after the call-back.
  await station.page.goto("/station/figures");
  const figure = (name: string) => station.page.getByText(name, { exact: true }).locator("..");
  await expect(figure("受理事务")).toContainText("4");
  await expect(figure("满意率")).toContainText("100.0%（2/2）");
  await expect(station.page.getByText(/办结层级：互助站 1 · 网格员 1 · 社区\/部门 0/)).toBeVisible();
  await station.page.screenshot({ path: `${SCREENSHOTS}/station-figures.png`, fullPage: true });

  // Large text, as many residents use it.
  for (const p of [page, station.page]) {
    await p.evaluate(() => localStorage.setItem("linli.large_text", "1"));
  }
  await page.goto("/affairs/new?compound=1");
  await expect(page.getByLabel("一句话说明")).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/affair-new-large.png`, fullPage: true });
  await page.goto(path);
  await expect(resident.steps).toHaveCount(9);
  await page.screenshot({ path: `${SCREENSHOTS}/affair-timeline-large.png`, fullPage: true });
  await station.page.goto("/station");
  await expect(station.page.getByRole("heading", { name: "待办事务" })).toBeVisible();
  await station.page.screenshot({ path: `${SCREENSHOTS}/station-queue-large.png`, fullPage: true });

  expect(station.errors).toEqual([]);
  expect(grid.errors).toEqual([]);
  await station.close();
  await grid.close();
});
