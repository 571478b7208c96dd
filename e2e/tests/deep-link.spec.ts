import { test, expect, SCREENSHOTS } from "./fixtures";
import { HomePage } from "./pages/home";
import { CompoundPage } from "./pages/compound";

test("a compound's link survives a reload and opens straight to it", async ({ page }) => {
  const home = new HomePage(page);
  await home.goto();
  await home.compound("海景花园").click();
  await expect(page).toHaveURL(/\/compounds\/\d+$/);
  const compound = new CompoundPage(page);
  await expect(compound.name).toHaveText("海景花园");
  await expect(page).toHaveTitle("海景花园 · 邻里");
  const link = page.url();

  await page.reload();
  await expect(compound.name).toHaveText("海景花园");
  await expect(compound.grid("第一网格")).toBeVisible();
  await expect(page.getByText("网格员 刘海燕 · 72 户")).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/compound-zh.png`, fullPage: true });

  // Opened fresh, as from a WeChat message.
  const fresh = await page.context().newPage();
  await fresh.goto(link);
  await expect(new CompoundPage(fresh).name).toHaveText("海景花园");
  await fresh.close();
});

test("a link to nothing says so and leads home", async ({ page, consoleErrors }) => {
  for (const path of ["/compounds/99999", "/no/such/page"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: "没有找到这个页面" })).toBeVisible();
  }
  await page.getByRole("main").getByRole("link", { name: "返回首页" }).click();
  await expect(page.getByRole("heading", { name: "宁安街道" })).toBeVisible();
  // The browser logs the API's 404 for the absent compound; that one is expected.
  const notFound = consoleErrors.filter((e) => e.includes("status of 404"));
  expect(notFound).toHaveLength(1);
  consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !notFound.includes(e)));
});
