import type { Locator, Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** `/sign-in`: number, then the texted code. */
export class SignInPage {
  readonly phone: Locator;
  readonly sendCode: Locator;
  readonly code: Locator;
  readonly signIn: Locator;
  readonly resend: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.phone = page.getByLabel("手机号");
    this.sendCode = page.getByRole("button", { name: "获取验证码" });
    this.code = page.getByLabel("验证码", { exact: true });
    this.signIn = page.getByRole("main").getByRole("button", { name: "登录" });
    this.resend = page.getByRole("button", { name: /重新获取/ });
    this.error = page.getByRole("alert");
  }

  /** The last code the server's development SMS sender wrote for `phone`. */
  textedCode(phone: string): string {
    return textedCode(phone);
  }
}

/** The last code the server's development SMS sender wrote for `phone`. */
export function textedCode(phone: string): string {
  const outbox = join(process.env.LINLI_E2E_DATA_DIR ?? "", "sms-outbox.jsonl");
  const codes = readFileSync(outbox, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { phone: string; code?: string })
    .filter((m) => m.phone === phone && m.code !== undefined);
  if (codes.length === 0) throw new Error(`no code was texted to ${phone}`);
  return codes[codes.length - 1].code as string;
}

/** Signs in as `phone` through the real form and a texted code. */
export async function signIn(page: Page, phone: string, next = "/me") {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  const form = new SignInPage(page);
  await form.phone.fill(phone);
  await form.sendCode.click();
  await form.code.waitFor();
  await form.code.fill(form.textedCode(phone));
  await form.signIn.click();
  await page.waitForURL((url) => url.pathname === next.split("?")[0]);
}
