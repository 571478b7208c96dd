import type { APIRequestContext, Browser } from "@playwright/test";
import { expect, request as playwrightRequest } from "@playwright/test";
import { WECHAT_UA } from "../../playwright.config";
import { textedCode } from "./sign-in";

const baseURL = `http://127.0.0.1:${process.env.LINLI_E2E_PORT ?? 8181}`;

/** A signed-in API session for `phone`, through the real code flow: for
 * setting up what a journey starts from (households verified, a unit listed). */
export async function apiSession(phone: string): Promise<APIRequestContext> {
  const api = await playwrightRequest.newContext({ baseURL });
  expect((await api.post("/api/v1/sign-in-codes", { data: { phone } })).ok()).toBe(true);
  const code = textedCode(phone);
  expect((await api.post("/api/v1/sessions", { data: { phone, code } })).ok()).toBe(true);
  return api;
}

/** Another phone: its own browser context at 390×844 in WeChat, signed in
 * as `api`'s person if given, remembering `compound` as the resident's own
 * if given, and collecting console errors. */
export async function openPhone(
  browser: Browser,
  { api, compound }: { api?: APIRequestContext; compound?: string } = {},
) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent: WECHAT_UA,
    locale: "zh-CN",
    storageState: api ? await api.storageState() : undefined,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  if (compound) {
    await page.addInitScript((stored) => localStorage.setItem("linli.compound", stored), compound);
  }
  return { page, errors, close: () => context.close() };
}
