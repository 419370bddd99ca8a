import { expect, type Page } from "@playwright/test";

/** The admin the e2e run seeds (scripts/test.sh): ADMIN_EMAIL / ADMIN_PASSWORD. */
export const ADMIN = { email: "admin@example.com", password: "e2e-admin-password" } as const;

/** Signs in through the form as the seeded admin; the page ends on the back office's dashboard. */
export async function signInAsAdmin(page: Page): Promise<void> {
  await page.goto("/signin?callbackUrl=%2Fadmin");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(ADMIN.email);
  await expect(page).toHaveURL(/\/admin$/);
}
