import type { Random } from "./random";

/** Episode patterns for demo and test data, each a realistic clinical picture. */
export type EpisodePattern =
  | "pregnancyNight"
  | "rlsEvening"
  | "frequentNoExertion"
  | "afterSport"
  | "mixed"
  | "seizureLike"
  | "coldNights"
  | "leftCalfAche"
  | "claudication"
  | "rlsTextbook"
  | "twitchingCalves"
  | "nightCramps";

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Episode inputs (as the API takes them) for one patient over the days before `now`. */
export function episodesFor(pattern: EpisodePattern, rnd: Random, now: Date): Record<string, unknown>[] {
  const at = (daysAgo: number, hour: number) => {
    const base = new Date(now.getTime() - daysAgo * DAY);
    base.setUTCHours(hour, rnd.int(0, 59), 0, 0);
    return (base.getTime() > now.getTime() ? new Date(base.getTime() - DAY) : base).toISOString();
  };
  const out: Record<string, unknown>[] = [];
  switch (pattern) {
    case "pregnancyNight":
      for (let d = 2; d < 40; d += rnd.int(2, 5))
        out.push({ occurredAt: at(d, rnd.int(1, 5)), durationSeconds: rnd.int(30, 180), side: rnd.pick(["LEFT", "RIGHT"]), movement: "SUSTAINED_CONTRACTION", duringSleep: true, painScore: rnd.int(5, 9), triggers: ["PROLONGED_REST"], relief: ["STRETCHING"], classification: "TONIC" });
      break;
    case "rlsEvening":
      for (let d = 1; d < 45; d += rnd.int(2, 4))
        out.push({ occurredAt: at(d, rnd.int(19, 22)), durationSeconds: rnd.int(600, 2400), side: "BOTH", movement: "URGE_TO_MOVE", voluntaryControl: true, urgeToMove: true, worseAtRest: true, worseInEvening: true, reliefByMovement: true, painScore: rnd.int(2, 5), triggers: ["PROLONGED_REST"], relief: ["WALKING"], classification: rnd.chance(0.8) ? "RLS" : null });
      break;
    case "frequentNoExertion":
      for (let d = 1; d < 28; d += rnd.int(1, 3))
        out.push({ occurredAt: at(d, rnd.pick([3, 8, 14, 20])), durationSeconds: rnd.int(40, 400), side: rnd.pick(["LEFT", "RIGHT", "BOTH"]), movement: "SUSTAINED_CONTRACTION", painScore: rnd.int(6, 10), triggers: rnd.chance(0.5) ? ["UNKNOWN"] : ["STRESS"], relief: ["MASSAGE"], classification: "TONIC" });
      break;
    case "afterSport":
      for (let d = 3; d < 80; d += rnd.int(5, 12))
        out.push({ occurredAt: at(d, rnd.int(17, 20)), durationSeconds: rnd.int(20, 120), side: rnd.pick(["LEFT", "RIGHT"]), movement: "SUSTAINED_CONTRACTION", painScore: rnd.int(4, 8), triggers: rnd.chance(0.3) ? ["EXERTION", "HEAT_SWEATING"] : ["EXERTION"], relief: ["STRETCHING", "REST"], classification: "TONIC" });
      break;
    case "coldNights":
      for (let d = 1; d <= 3; d++)
        out.push({ occurredAt: at(d, 2), durationSeconds: rnd.int(60, 200), side: "RIGHT", movement: "SUSTAINED_CONTRACTION", duringSleep: true, painScore: 7, triggers: ["COLD"], relief: ["WARMTH"], classification: "TONIC" });
      break;
    case "seizureLike":
      out.push({ occurredAt: at(4, 10), durationSeconds: 420, side: "BOTH", muscleGroup: "THIGH", movement: "SUSTAINED_THEN_TREMBLING", consciousnessImpaired: true, painScore: 6, triggers: ["UNKNOWN"], relief: ["NONE"], classification: "TONIC_CLONIC" });
      out.push({ occurredAt: at(12, 15), durationSeconds: 45, side: "LEFT", movement: "RHYTHMIC_JERKS", rhythm: "RHYTHMIC", painScore: 3, triggers: ["UNKNOWN"], classification: "MYOCLONIC" });
      break;
    case "mixed":
      for (let d = 5; d < 120; d += rnd.int(10, 25)) {
        const movement = rnd.pick(["TWITCHES", "RHYTHMIC_JERKS", "SUSTAINED_CONTRACTION"] as const);
        const label = { TWITCHES: "MYOCLONIC", RHYTHMIC_JERKS: "CLONIC", SUSTAINED_CONTRACTION: "TONIC" }[movement];
        out.push({ occurredAt: at(d, rnd.int(6, 23)), durationSeconds: rnd.int(5, 90), side: rnd.pick(["LEFT", "RIGHT"]), muscleGroup: rnd.chance(0.2) ? "FOOT" : "CALF", movement, rhythm: movement === "TWITCHES" ? "IRREGULAR" : null, painScore: rnd.int(1, 6), triggers: [rnd.pick(["TIGHT_FOOTWEAR", "COLD", "UNKNOWN"])], classification: rnd.chance(0.15) ? "CLONIC" : label });
      }
      break;
    // Clinical spec v2 pictures: a calf ache that does not let go (the deep vein thrombosis
    // patient has the swelling at the visit), intermittent claudication, restless legs meeting
    // the four IRLSSG criteria without control of the movement, fasciculations with cramps.
    case "leftCalfAche":
      for (const d of [6, 4, 3, 1])
        out.push({ occurredAt: at(d, rnd.int(7, 20)), durationSeconds: rnd.int(2400, 7200), side: "LEFT", movement: "SUSTAINED_CONTRACTION", painScore: rnd.int(5, 7), triggers: ["PROLONGED_REST"], relief: ["NONE"], notes: "Aching, tight left calf, worse on standing; stretching did not ease it." });
      break;
    case "claudication":
      for (let d = 2; d < 28; d += rnd.int(4, 7))
        out.push({ occurredAt: at(d, rnd.int(8, 16)), durationSeconds: rnd.int(90, 300), side: "RIGHT", movement: "SUSTAINED_CONTRACTION", painScore: rnd.int(5, 7), triggers: ["WALKING"], relief: ["REST"], classification: "TONIC", notes: `Came on after about ${rnd.pick([150, 200, 300])} metres of walking; eased within minutes of standing still.` });
      break;
    case "rlsTextbook":
      for (let d = 1; d < 30; d += rnd.int(2, 4))
        out.push({ occurredAt: at(d, rnd.int(20, 21)), durationSeconds: rnd.int(1800, 5400), side: "BOTH", movement: "URGE_TO_MOVE", urgeToMove: true, worseAtRest: true, worseInEvening: true, reliefByMovement: true, painScore: rnd.int(2, 4), triggers: ["PROLONGED_REST"], relief: ["WALKING"], classification: rnd.chance(0.75) ? "RLS" : null, notes: rnd.pick(["Creeping feeling deep in both calves once settled on the sofa; had to get up and walk about.", "Could not sit through a film; walking the hallway helped until she lay down again.", ""]) });
      break;
    case "twitchingCalves":
      for (let d = 2; d < 30; d += rnd.int(4, 6)) {
        const twitch = rnd.chance(0.6);
        out.push(
          twitch
            ? { occurredAt: at(d, rnd.int(9, 21)), durationSeconds: rnd.int(10, 60), side: "BOTH", movement: "TWITCHES", rhythm: "IRREGULAR", painScore: rnd.int(0, 2), triggers: ["UNKNOWN"], relief: ["NONE"], classification: "MYOCLONIC", notes: "Visible flickering under the skin of both calves." }
            : { occurredAt: at(d, rnd.int(1, 5)), durationSeconds: rnd.int(30, 150), side: rnd.pick(["LEFT", "RIGHT"]), movement: "SUSTAINED_CONTRACTION", duringSleep: true, painScore: rnd.int(6, 8), triggers: ["UNKNOWN"], relief: ["STRETCHING"], classification: "TONIC" },
        );
      }
      break;
    case "nightCramps":
      for (let d = 2; d < 24; d += rnd.int(3, 5))
        out.push({ occurredAt: at(d, rnd.int(6, 9)), durationSeconds: rnd.int(45, 240), side: rnd.pick(["LEFT", "RIGHT"]), movement: "SUSTAINED_CONTRACTION", duringSleep: true, painScore: rnd.int(6, 9), triggers: ["UNKNOWN"], relief: ["STRETCHING", "MASSAGE"], classification: "TONIC" });
      break;
  }
  return out;
}
