import { test, expect, SCREENSHOTS } from "./fixtures";
import { HomePage } from "./pages/home";
import { CompoundPage } from "./pages/compound";

test("English is one tap away and stays chosen", async ({ page }) => {
  const home = new HomePage(page);
  await home.goto();
  await home.shell.languageSwitch("English").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(home.compoundsHeading).toHaveText("Compounds and their stations");
  await expect(home.compound("海景花园")).toContainText("2 grids · 5 buildings · 204 households");
  await page.screenshot({ path: `${SCREENSHOTS}/home-en.png`, fullPage: true });

  await page.reload();
  await expect(home.compoundsHeading).toHaveText("Compounds and their stations");
  await expect(home.shell.navLink("Home")).toBeVisible();
  await home.shell.languageSwitch("中文").click();
  await expect(home.compoundsHeading).toHaveText("各小区互助站");
});

test("large text enlarges everything and stays on", async ({ page }) => {
  const home = new HomePage(page);
  await home.goto();
  const rootSize = () =>
    page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
  expect(await rootSize()).toBe(16);
  await expect(home.shell.largeText).toHaveAttribute("aria-pressed", "false");
  await home.shell.largeText.click();
  await expect(home.shell.largeText).toHaveAttribute("aria-pressed", "true");
  await expect(page.locator("html")).toHaveClass(/large-text/);
  expect(await rootSize()).toBe(20);
  await page.screenshot({ path: `${SCREENSHOTS}/home-large-text.png`, fullPage: true });

  await page.reload();
  await expect(page.locator("html")).toHaveClass(/large-text/);
  expect(await rootSize()).toBe(20);
  // The settings page shows the same switch, on.
  await home.shell.navLink("我的").click();
  const toggle = page.getByRole("switch", { name: /大字模式/ });
  await expect(toggle).toBeChecked();
  await toggle.click();
  await expect(page.locator("html")).not.toHaveClass(/large-text/);
});

test("a resident's compound heads the top bar and the home page", async ({ page }) => {
  const home = new HomePage(page);
  await home.goto();
  await home.compound("临城佳苑").click();
  const compound = new CompoundPage(page);
  await expect(compound.setMine).toHaveText("设为我的小区");
  await compound.setMine.click();
  await expect(compound.setMine).toHaveText("✓ 这是我的小区");
  await expect(compound.shell.heading()).toHaveText(/临城佳苑/);

  await page.reload();
  await expect(compound.shell.heading()).toHaveText(/临城佳苑/);
  await compound.shell.navLink("首页").click();
  await expect(page.getByRole("main").getByRole("link", { name: /我的小区\s*临城佳苑/ })).toBeVisible();
  await compound.shell.navLink("我的").click();
  await expect(page.getByRole("heading", { name: "我的小区" })).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/me-zh.png`, fullPage: true });
});
