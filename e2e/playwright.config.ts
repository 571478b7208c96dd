import { defineConfig } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

// The real server, on a throwaway SQLite database with the demo street,
// serving the release build of the app from ../dist.
const port = Number(process.env.LINLI_E2E_PORT ?? 8181);
// Workers load this file again: they inherit the directory through the
// environment, so specs can read the server's SMS outbox in it.
process.env.LINLI_E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), "linli-e2e-"));
const dataDir = process.env.LINLI_E2E_DATA_DIR;
const serverBin = resolve(process.env.LINLI_SERVER_BIN ?? "../target/debug/linli-server");

// Android WeChat's in-app browser (XWeb), as residents open shared links.
export const WECHAT_UA =
  "Mozilla/5.0 (Linux; Android 13; V2183A Build/TP1A.220624.014; wv) AppleWebKit/537.36 " +
  "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 " +
  "MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 " +
  "Weixin NetType/4G Language/zh_CN ABI/arm64";

export default defineConfig({
  testDir: "./tests",
  // Two cores: one browser at a time keeps timings honest.
  workers: 1,
  // A journey walks a whole life of a record across several phones. On
  // two loaded cores the same journeys took twice as long (27 s and 30 s
  // for the affairs and consultations ones), so 30 s per test is too
  // tight; this is room to finish, not a performance goal.
  timeout: 90_000,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent: WECHAT_UA,
    locale: "zh-CN",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    command: serverBin,
    env: {
      LINLI_ADDR: `127.0.0.1:${port}`,
      LINLI_DATA_DIR: dataDir,
      LINLI_DIST_DIR: resolve("../dist"),
      LINLI_DEMO_DATA: "1",
      // The journeys test flows, not the flood guard (one address, many acts).
      LINLI_WRITE_LIMIT_PER_MINUTE: "1000000",
      // The journeys sign some thirty people in from one address within
      // a minute; the per-address limit has its own API test.
      LINLI_SIGN_IN_CODES_PER_CLIENT_HOUR: "1000",
      DATABASE_URL: "",
    },
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
