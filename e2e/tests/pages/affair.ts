import type { Locator, Page } from "@playwright/test";

/** `/affairs/:id`: an affair, its next steps and its timeline. */
export class AffairPage {
  /** "待受理 · 互助站": where it stands and who holds it. */
  readonly state: Locator;
  /** The timeline's steps. */
  readonly steps: Locator;

  constructor(readonly page: Page) {
    this.state = page.getByTestId("affair-state");
    this.steps = page.getByRole("listitem");
  }

  /** Does `act`, with `note` when it needs one, and waits for the answer. */
  async act(act: string, note?: string) {
    const before = await this.state.textContent();
    await this.page.getByRole("button", { name: act, exact: true }).click();
    if (note !== undefined) await this.page.getByLabel("说明").fill(note);
    await this.page.getByRole("button", { name: "确定" }).click();
    await this.page.waitForFunction(
      (old) => document.querySelector('[data-testid="affair-state"]')?.textContent !== old,
      before,
    );
  }

  /** Rates the handling: `first` confirms it fixed, else it is the rating
   * after a call-back. */
  async rate(level: string, comment?: string, first = true) {
    if (first) await this.page.getByRole("button", { name: "已解决，去评价" }).click();
    await this.page.getByRole("button", { name: level, exact: true }).click();
    const send = this.page.getByRole("button", { name: "提交评价" });
    if (comment !== undefined) {
      // A poor rating without a reason is refused in plain words first.
      await send.click();
      await this.page.getByText("不满意请写明原因，我们会回访").first().waitFor();
      await this.page.locator("textarea").fill(comment);
    }
    await send.click();
  }
}
