import { test, expect, SCREENSHOTS } from "./fixtures";
import { HomePage } from "./pages/home";

test("the home page shows the demo street's compounds in Chinese", async ({ page }) => {
  const loaded: string[] = [];
  page.on("request", (r) => loaded.push(new URL(r.url()).pathname));
  const home = new HomePage(page);
  await home.goto();
  await expect(page).toHaveTitle("邻里 · 社区自治 · 邻里互助");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(home.street).toHaveText("宁安街道");
  await expect(page.getByRole("definition")).toHaveText(["2", "4", "524"]);
  await expect(home.community("东港社区")).toBeVisible();
  await expect(home.community("临城社区")).toBeVisible();
  for (const name of ["海景花园", "东港新村", "临城佳苑", "桂花苑"]) {
    await expect(home.compound(name)).toBeVisible();
  }
  await expect(home.compound("海景花园")).toContainText("站长 王秀英 · 7 名站委");
  await expect(home.compound("海景花园")).toContainText("2 个网格 · 5 栋楼 · 204 户");
  // Only pages that exist are linked from the navigation.
  await expect(home.shell.nav.getByRole("link")).toHaveText(["首页", "消息", "我的"]);
  await expect(home.shell.navLink("首页")).toHaveAttribute("aria-current", "page");
  await page.screenshot({ path: `${SCREENSHOTS}/home-zh.png`, fullPage: true });
  // Residents never download the station desk's bundle.
  expect(loaded.filter((p) => p.startsWith("/station/"))).toEqual([]);
});

test("the skeleton paints before the app and is replaced by it", async ({ page }) => {
  // Hold the WebAssembly back, as slow 4G does, and look at the shell alone.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/*.wasm", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto("/", { waitUntil: "domcontentloaded" });
  await expect(page.getByRole("status")).toContainText("正在加载…");
  await page.screenshot({ path: `${SCREENSHOTS}/skeleton.png` });
  release();
  await expect(page.getByRole("heading", { name: "宁安街道" })).toBeVisible();
  await expect(page.locator("#boot")).toHaveCount(0);
});
