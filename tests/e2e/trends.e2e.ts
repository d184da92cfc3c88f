import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { wallClockToInstant } from "@/lib/core/clinical/time";
import { gotoReady, screenshot, signIn, useBrowser } from "./support/browser";
import { useDb } from "./support/db";

describe("trends: charts and their table views", () => {
  const browser = useBrowser();
  const db = useDb();

  /** The Demo Clinic patient with the most episodes (the seed is deterministic, its dates relative to the seeding day). */
  async function busiestPatient() {
    const clinic = await db.clinic.findFirstOrThrow({ where: { name: "Demo Clinic" } });
    const [top] = await db.episode.groupBy({
      by: ["patientId"],
      where: { clinicId: clinic.id, deletedAt: null },
      _count: { _all: true },
      orderBy: { _count: { patientId: "desc" } },
      take: 1,
    });
    const patient = await db.patient.findUniqueOrThrow({ where: { id: top.patientId } });
    return { patient, timeZone: clinic.timeZone };
  }

  /** Episodes of the patient in [from, to] (local dates of the clinic), per the database. */
  async function episodesInPeriod(patientId: string, timeZone: string, from: string, to: string) {
    const start = wallClockToInstant(`${from}T00:00`, timeZone)!;
    const endDay = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const end = wallClockToInstant(`${endDay}T00:00`, timeZone)!;
    return db.episode.count({ where: { patientId, deletedAt: null, occurredAt: { gte: start, lt: end } } });
  }

  /** The weekly chart's table view: the Total column summed over the weeks, and the period's footer total. */
  async function tableTotals(page: Page, figure: Locator) {
    const details = figure.locator("details", { has: page.locator("summary", { hasText: "Table view" }) });
    // Open it (after a client-side period switch it may still be open from before).
    if ((await details.getAttribute("open")) === null) await details.locator("summary").click();
    const table = details.locator("table");
    await table.waitFor();
    const headers = await table.locator("thead th").allTextContents();
    const totalIndex = headers.indexOf("Total");
    expect(totalIndex, "the table has a Total column").toBeGreaterThan(0);
    const rows = table.locator("tbody tr");
    const weeks = await rows.count();
    let sum = 0;
    for (let i = 0; i < weeks; i++) sum += Number(await rows.nth(i).locator("th, td").nth(totalIndex).textContent());
    const footer = Number(await table.locator("tfoot tr").locator("th, td").nth(totalIndex).textContent());
    return { sum, footer, weeks };
  }

  async function shownPeriod(page: Page) {
    return { from: await page.inputValue("#trend-period-from"), to: await page.inputValue("#trend-period-to") };
  }

  it("draws the weekly chart, switches the period, and its table agrees with the database", async () => {
    const { patient, timeZone } = await busiestPatient();
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    await gotoReady(page, `/patients/${patient.id}/trends`, null);
    await page.getByRole("heading", { level: 2, name: "Trends", exact: true }).waitFor();
    // The Trends tab of the patient's chart.
    await page.getByRole("heading", { level: 1, name: `${patient.familyName}, ${patient.givenName}` }).waitFor();
    expect(await page.getByRole("navigation", { name: "Patient chart" }).getByRole("link", { name: "Trends" }).getAttribute("aria-current")).toBe("page");

    // Default: the last 90 days.
    const figure = page.getByTestId("chart-episodes-per-week");
    await figure.locator("[data-chart-plot] .recharts-wrapper > svg.recharts-surface").first().waitFor();
    expect(await page.getByRole("link", { name: "90 days" }).getAttribute("aria-current")).toBe("page");
    let period = await shownPeriod(page);
    let expected = await episodesInPeriod(patient.id, timeZone, period.from, period.to);
    expect(expected).toBeGreaterThan(0);
    expect(Number(await page.getByTestId("trends-total").textContent())).toBe(expected);
    let totals = await tableTotals(page, figure);
    expect(totals.sum).toBe(expected);
    expect(totals.footer).toBe(expected);
    expect(totals.weeks).toBeGreaterThanOrEqual(13);

    // The chart has a legend and a tooltip with the exact numbers of a week.
    await figure.locator(".recharts-legend-wrapper").waitFor();
    const box = (await figure.locator("[data-chart-plot] .recharts-wrapper > svg.recharts-surface").first().boundingBox())!;
    // Recharts follows the pointer across the plot: move over it, onto the last week.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
    await page.mouse.move(box.x + box.width - 40, box.y + box.height / 3, { steps: 8 });
    const tooltip = figure.locator(".recharts-tooltip-wrapper");
    await expect.poll(async () => (await tooltip.textContent()) ?? "").toMatch(/Week of .*Total: \d+ episodes/);
    await screenshot(page, "trends-90-days");

    // Switch to 30 days.
    await Promise.all([page.waitForURL(/[?&]period=30d/), page.getByRole("link", { name: "30 days" }).click()]);
    await page.getByText(/^30 days: /).waitFor();
    await figure.locator("[data-chart-plot] .recharts-wrapper > svg.recharts-surface").first().waitFor();
    period = await shownPeriod(page);
    expect(Date.parse(period.to) - Date.parse(period.from)).toBe(29 * 86_400_000);
    expected = await episodesInPeriod(patient.id, timeZone, period.from, period.to);
    totals = await tableTotals(page, figure);
    expect(totals.sum).toBe(expected);
    expect(Number(await page.getByTestId("trends-total").textContent())).toBe(expected);

    // A custom period through the form.
    const first = await db.episode.findFirstOrThrow({ where: { patientId: patient.id, deletedAt: null }, orderBy: { occurredAt: "asc" } });
    const from = first.occurredAt.toISOString().slice(0, 10);
    const to = new Date(first.occurredAt.getTime() + 20 * 86_400_000).toISOString().slice(0, 10);
    await page.fill("#trend-period-from", from);
    await page.fill("#trend-period-to", to);
    await Promise.all([page.waitForURL(/[?&]period=custom/), page.getByRole("button", { name: "Show custom period" }).click()]);
    await page.getByText(new RegExp(`^Custom: ${from} to ${to}`)).waitFor();
    expected = await episodesInPeriod(patient.id, timeZone, from, to);
    expect(expected).toBeGreaterThan(0);
    totals = await tableTotals(page, page.getByTestId("chart-episodes-per-week"));
    expect(totals.sum).toBe(expected);
  });

  it("shows a readable empty state, and field errors for a bad custom period", async () => {
    const { patient } = await busiestPatient();
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    await gotoReady(page, `/patients/${patient.id}/trends?period=custom&periodFrom=2001-01-01&periodTo=2001-03-31`, null);
    const figure = page.getByTestId("chart-episodes-per-week");
    await figure.getByText("No episodes in this period.").waitFor();
    expect(await figure.locator("svg.recharts-surface").count()).toBe(0);
    expect(await page.getByTestId("trends-total").textContent()).toBe("0");

    await gotoReady(page, `/patients/${patient.id}/trends?period=custom&periodFrom=2026-03-01&periodTo=2026-02-01`, null);
    await page.getByText("The last day must not be before the first day").first().waitFor();
    expect(await page.getAttribute("#trend-period-to", "aria-invalid")).toBe("true");
    await page.getByText(/^90 days: /).waitFor(); // the default period is shown meanwhile
  });

  it("shows the clinic dashboard with its charts and counts", async () => {
    const page = await browser.newPage();
    await signIn(page, "clinician@demo.clinic");
    await gotoReady(page, "/dashboard", null);
    await page.getByRole("heading", { level: 1, name: "Clinic dashboard" }).waitFor();
    const clinic = await db.clinic.findFirstOrThrow({ where: { name: "Demo Clinic" } });
    const review = await db.episode.count({ where: { clinicId: clinic.id, needsReview: true, deletedAt: null, patient: { deletedAt: null } } });
    expect(Number(await page.getByTestId("kpi-review").locator("p").first().textContent())).toBe(review);
    const figure = page.getByTestId("chart-clinic-episodes-per-week");
    await figure.locator("[data-chart-plot] .recharts-wrapper > svg.recharts-surface").first().waitFor();
    const totals = await tableTotals(page, figure);
    expect(totals.sum).toBe(Number(await page.getByTestId("kpi-episodes").locator("p").first().textContent()));
    await page.getByTestId("chart-suggested-causes").locator(".recharts-wrapper > svg.recharts-surface").first().waitFor();
    await screenshot(page, "dashboard");
  });
});
