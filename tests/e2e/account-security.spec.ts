import { expect, test, type Browser, type Page } from "./fixtures";
import { queryDb, registerShopper, signInShopper } from "./support";

const PASSWORD = "a-long-password"; // what registerShopper uses

/** A second browser (its own cookies), signed in as the given shopper. */
async function otherBrowser(browser: Browser, email: string, password = PASSWORD): Promise<Page> {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const page = await context.newPage();
  await signInShopper(page, email, password);
  return page;
}

async function expectSignedOut(page: Page) {
  await page.goto("/account");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=(%2F|\/)account$/);
}

async function expectSignedIn(page: Page) {
  await page.goto("/account");
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
}

test("changing the password signs out the shopper's other browser but not this one, and only the new password signs in", async ({ page, browser }) => {
  const email = await registerShopper(page, "Password Changer");
  const laptop = await otherBrowser(browser, email);
  await expectSignedIn(laptop);

  await page.goto("/account");
  await page.getByLabel("Current password").fill("not-my-password");
  await page.getByLabel("New password").fill("a-newer-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("#field-currentPassword-error")).toHaveText("This is not your current password");

  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill("a-newer-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your password is changed.")).toBeVisible();

  await expectSignedOut(laptop);
  await expectSignedIn(page);
  await page.screenshot({ path: test.info().outputPath("password-changed.png"), fullPage: true });

  await laptop.getByLabel("Email").fill(email);
  await laptop.getByLabel("Password").fill(PASSWORD);
  await laptop.getByRole("button", { name: "Sign in" }).click();
  await expect(laptop.getByText("Email or password is incorrect.")).toBeVisible();
  await signInShopper(laptop, email, "a-newer-password");
  await laptop.context().close();
});

test("sign out everywhere ends the other browsers' sessions and the API tokens, and keeps this browser signed in", async ({ page, browser }) => {
  const email = await registerShopper(page, "Everywhere");
  const phone = await otherBrowser(browser, email);
  const headers = { "x-forwarded-for": `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` };
  const issued = await page.request.post("/api/v1/auth/token", { headers, data: { email, password: PASSWORD } });
  expect(issued.status()).toBe(200);
  const { accessToken } = (await issued.json()) as { accessToken: string };
  const me = () => page.request.get("/api/v1/auth/me", { headers: { ...headers, authorization: `Bearer ${accessToken}` } });
  expect((await me()).status()).toBe(200);

  await page.goto("/account");
  await page.getByRole("button", { name: "Sign out everywhere else" }).click();
  await expect(page.getByText("Signed out 2 other sessions")).toBeVisible();

  await expectSignedOut(phone);
  expect((await me()).status()).toBe(401);
  await expectSignedIn(page);
  await phone.context().close();
});

test("the session id stays on the server: /api/auth/session does not show it, and every sign-in makes a new one", async ({ page, context, browser }) => {
  const email = await registerShopper(page, "Session Id");
  const sid = (await queryDb<{ id: string }>(`SELECT s.id FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1`, [email]))[0]!.id;
  const shown = await page.request.get("/api/auth/session");
  expect(shown.status()).toBe(200);
  const text = await shown.text();
  expect(text).not.toContain(sid);
  expect(JSON.parse(text)).not.toHaveProperty("sid");
  expect(text).not.toContain("sid");

  // Signing in again from the same browser rotates the session: a copy of the earlier cookie is worth nothing.
  const before = await context.cookies();
  const sessionsOf = async () => (await queryDb<{ id: string }>(`SELECT s.id FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1`, [email])).map((r) => r.id);
  // The page shows the shopper signed in before and after: wait for the server's side of the new sign-in.
  await signInShopper(page, email);
  await expect.poll(sessionsOf, { timeout: 10_000 }).not.toContain(sid);
  expect(await sessionsOf()).toHaveLength(1);
  const copy = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  await copy.addCookies(before);
  await expectSignedOut(await copy.newPage());
  await copy.close();
  await expectSignedIn(page);
});
