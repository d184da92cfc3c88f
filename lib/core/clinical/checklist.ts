/**
 * Differential checklist suggestions (clinical spec section 4). The system only marks an item as
 * suggested, with the evidence behind it; a status is set by a clinician elsewhere.
 */
import { episodesInWindow, localDate, type EpisodeFacts } from './red-flags';
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds';
import {
  ANALYTE_UNITS,
  CALF_SWELLING_FINDINGS,
  CONDITION_LABELS,
  EXAM_FINDING_LABELS,
  NEUROMUSCULAR_FINDINGS,
  type ExamFinding,
  LIFESTYLE_FLAG_LABELS,
  TRIGGER_LABELS,
  type Analyte,
  type Condition,
  type LifestyleFlag,
  type Trigger,
} from './vocabulary';

export const CAUSE_IDS = [
  'varicose_veins',
  'acute_infection',
  'intoxication',
  'metabolic_endocrine',
  'neurological',
  'high_blood_pressure',
  'pregnancy',
  'overweight',
  'overexertion',
  'hypothermia',
  'micronutrient_deficiency',
  'magnesium_blocking_drugs',
  'calcium_loss',
  'heat_sweating',
  'footwear',
  'inactivity',
  'cramp_inducing_drugs',
  'iron_deficiency',
  'deep_vein_thrombosis',
  'peripheral_arterial_disease',
  'neuromuscular',
] as const;
export type CauseId = (typeof CAUSE_IDS)[number];

export interface CauseDefinition {
  id: CauseId;
  label: string;
  source: 'article' | 'literature';
  /** From the source article, but weakly supported by clinical literature. */
  weakEvidence: boolean;
  description: string;
  /** Where a clinician can check the item: the source article's section, or the literature reference. */
  citation: string;
}

const ARTICLE_CAUSES = 'Source article, section "Possible causes"';
const ARTICLE_DEFICIENCY = 'Source article, section "Deficiency of vitamins and minerals"';
const ARTICLE_TREATMENT = 'Source article, section "Treatment"';
const AAFP_2012 = 'Allen RE, Kirby KA. Nocturnal leg cramps. Am Fam Physician 2012;86(4):350-355 (AAFP review)';
const IRLSSG_2012 = 'Allen RP et al. IRLSSG consensus diagnostic criteria for restless legs syndrome, Sleep Med 2014;15:860-873 (2012 revision)';
const NICE_NG158 = 'NICE guideline NG158: Venous thromboembolic diseases: diagnosis, management and thrombophilia testing (2020)';

/** Shown beside weak-evidence items. */
export const WEAK_EVIDENCE_NOTE = 'From the source article; weak clinical evidence.';

export const CAUSES: readonly CauseDefinition[] = Object.freeze([
  {
    id: 'varicose_veins',
    label: 'Varicose veins',
    source: 'article',
    weakEvidence: false,
    description: 'Venous disease that impairs blood flow in the calf.',
    citation: ARTICLE_CAUSES,
  },
  {
    id: 'acute_infection',
    label: 'Acute infectious disease',
    source: 'article',
    weakEvidence: false,
    description: 'An infection in its acute phase, for example with fever.',
    citation: ARTICLE_CAUSES,
  },
  {
    id: 'intoxication',
    label: 'Intoxication straining kidneys or liver',
    source: 'article',
    weakEvidence: false,
    description: 'Poisoning or kidney or liver disease that loads the organs of elimination.',
    citation: ARTICLE_CAUSES,
  },
  {
    id: 'metabolic_endocrine',
    label: 'Metabolic or endocrine disorder (diabetes included)',
    source: 'article',
    weakEvidence: false,
    description: 'Diabetes, thyroid disease or another disorder of metabolism.',
    citation: `${ARTICLE_CAUSES}; glucose threshold: ADA Standards of Care and NICE NG28 (fasting glucose 7.0 mmol/L)`,
  },
  {
    id: 'neurological',
    label: 'Neurological disorder',
    source: 'article',
    weakEvidence: false,
    description: 'A disease of the nervous system, including epilepsy.',
    citation: ARTICLE_CAUSES,
  },
  {
    id: 'high_blood_pressure',
    label: 'Frequent high blood pressure',
    source: 'article',
    weakEvidence: false,
    description: 'Repeated episodes of raised blood pressure.',
    citation: ARTICLE_CAUSES,
  },
  {
    id: 'pregnancy',
    label: 'Pregnancy',
    source: 'article',
    weakEvidence: false,
    description: 'Extra load on the legs and metabolic changes of pregnancy.',
    citation: ARTICLE_CAUSES,
  },
  {
    id: 'overweight',
    label: 'Excess weight',
    source: 'article',
    weakEvidence: false,
    description: 'Overweight or obesity, judged by body mass index.',
    citation: ARTICLE_CAUSES,
  },
  {
    id: 'overexertion',
    label: 'Fatigue or physical overexertion',
    source: 'article',
    weakEvidence: false,
    description: 'Cramps following hard exercise or long physical effort.',
    citation: ARTICLE_CAUSES,
  },
  {
    id: 'hypothermia',
    label: 'Hypothermia',
    source: 'article',
    weakEvidence: false,
    description: 'Chilling of the legs, narrowing the vessels that feed the muscles.',
    citation: ARTICLE_CAUSES,
  },
  {
    id: 'micronutrient_deficiency',
    label: 'Vitamin or mineral deficiency (Mg, K, Ca, P, vitamin D)',
    source: 'article',
    weakEvidence: false,
    description: 'Low magnesium, potassium, calcium, phosphate or vitamin D.',
    citation: ARTICLE_DEFICIENCY,
  },
  {
    id: 'magnesium_blocking_drugs',
    label: 'Drugs that hinder magnesium absorption',
    source: 'article',
    weakEvidence: true,
    description: 'Aminophylline, theophylline, acid-suppressing drugs and adsorbents.',
    citation: ARTICLE_DEFICIENCY,
  },
  {
    id: 'calcium_loss',
    label: 'Stress or high-protein diet (calcium loss)',
    source: 'article',
    weakEvidence: true,
    description: 'Stress or a protein-heavy diet, said to increase calcium loss.',
    citation: ARTICLE_DEFICIENCY,
  },
  {
    id: 'heat_sweating',
    label: 'Hot season, heavy sweating',
    source: 'article',
    weakEvidence: false,
    description: 'Minerals lost through heavy sweating in hot weather.',
    citation: ARTICLE_DEFICIENCY,
  },
  {
    id: 'footwear',
    label: 'Tight or high-heeled shoes',
    source: 'article',
    weakEvidence: true,
    description: 'Narrow or high-heeled shoes that hinder circulation in the legs.',
    citation: ARTICLE_TREATMENT,
  },
  {
    id: 'inactivity',
    label: 'Lack of movement, poor circulation',
    source: 'article',
    weakEvidence: false,
    description: 'A sedentary life with poor circulation in the legs.',
    citation: ARTICLE_TREATMENT,
  },
  {
    id: 'cramp_inducing_drugs',
    label: 'Drugs associated with leg cramps',
    source: 'literature',
    weakEvidence: false,
    description: 'Diuretics, long-acting beta-agonists, statins and other drugs linked to leg cramps.',
    citation: AAFP_2012,
  },
  {
    id: 'iron_deficiency',
    label: 'Iron deficiency (secondary RLS)',
    source: 'literature',
    weakEvidence: false,
    description: 'Low iron stores, a treatable cause of restless legs syndrome.',
    citation: IRLSSG_2012,
  },
  {
    id: 'deep_vein_thrombosis',
    label: 'Deep vein thrombosis (must not miss)',
    source: 'literature',
    weakEvidence: false,
    description: 'A clot in a deep calf vein: rule it out for one-sided calf pain or swelling.',
    citation: NICE_NG158,
  },
  {
    id: 'peripheral_arterial_disease',
    label: 'Peripheral arterial disease (claudication)',
    source: 'literature',
    weakEvidence: false,
    description: 'Calf pain brought on by walking and relieved by rest, from narrowed leg arteries.',
    citation: AAFP_2012,
  },
  {
    id: 'neuromuscular',
    label: 'Neuropathy or motor neuron disease',
    source: 'literature',
    weakEvidence: false,
    description: 'Nerve or motor neuron disease, suggested by weakness, wasting or fasciculations.',
    citation: AAFP_2012,
  },
] satisfies CauseDefinition[]);

export const CAUSES_BY_ID: Readonly<Record<CauseId, CauseDefinition>> = Object.freeze(
  Object.fromEntries(CAUSES.map((c) => [c.id, c])) as Record<CauseId, CauseDefinition>,
);

export interface PatientFacts {
  pregnant: boolean;
  heightCm: number | null;
  conditions: Condition[];
  lifestyle: LifestyleFlag[];
  medications: { name: string; active: boolean; startedOn?: string | null }[];
  visits: {
    id?: string;
    occurredAt: Date;
    systolic?: number | null;
    diastolic?: number | null;
    weightKg?: number | null;
    temperatureC?: number | null;
    examFindings?: ExamFinding[];
  }[];
  labs: { analyte: Analyte; value: number; unit: string; takenAt: Date }[];
  episodes: EpisodeFacts[];
}

type Visit = PatientFacts['visits'][number];

export interface ChecklistSuggestion {
  causeId: CauseId;
  label: string;
  source: 'article' | 'literature';
  citation: string;
  weakEvidence: boolean;
  suggested: boolean;
  reasons: string[];
}

// ---------------------------------------------------------------------------------------------
// Medications

/** Generic names per drug cause, lower case, as in the spec. */
export const DRUG_GENERICS: Readonly<Record<'magnesium_blocking_drugs' | 'cramp_inducing_drugs', readonly string[]>> = {
  magnesium_blocking_drugs: [
    'aminophylline',
    'theophylline',
    'omeprazole',
    'esomeprazole',
    'lansoprazole',
    'pantoprazole',
    'rabeprazole',
    'dexlansoprazole',
    'famotidine',
    'ranitidine',
    'cimetidine',
    'nizatidine',
    'activated charcoal',
    'diosmectite',
  ],
  cramp_inducing_drugs: [
    'hydrochlorothiazide',
    'chlorthalidone',
    'indapamide',
    'furosemide',
    'torasemide',
    'bumetanide',
    'spironolactone',
    'amiloride',
    'triamterene',
    'salmeterol',
    'formoterol',
    'vilanterol',
    'atorvastatin',
    'simvastatin',
    'rosuvastatin',
    'pravastatin',
    'raloxifene',
    'conjugated estrogens',
    'naproxen',
    'teriparatide',
    'iron sucrose',
  ],
};

/**
 * Brand names and other spellings mapped to a generic of DRUG_GENERICS (lower case).
 * Small and deliberately conservative: single-ingredient brands only.
 */
export const BRAND_NAMES: Readonly<Record<string, string>> = {
  eufillin: 'aminophylline',
  euphyllin: 'aminophylline',
  euphylline: 'aminophylline',
  prilosec: 'omeprazole',
  losec: 'omeprazole',
  nexium: 'esomeprazole',
  prevacid: 'lansoprazole',
  protonix: 'pantoprazole',
  aciphex: 'rabeprazole',
  dexilant: 'dexlansoprazole',
  pepcid: 'famotidine',
  tagamet: 'cimetidine',
  axid: 'nizatidine',
  smecta: 'diosmectite',
  hctz: 'hydrochlorothiazide',
  lasix: 'furosemide',
  frusemide: 'furosemide',
  torsemide: 'torasemide',
  aldactone: 'spironolactone',
  lipitor: 'atorvastatin',
  zocor: 'simvastatin',
  crestor: 'rosuvastatin',
  pravachol: 'pravastatin',
  evista: 'raloxifene',
  premarin: 'conjugated estrogens',
  forteo: 'teriparatide',
  venofer: 'iron sucrose',
};

const GENERIC_TO_CAUSE = new Map<string, CauseId>();
for (const [causeId, generics] of Object.entries(DRUG_GENERICS) as [CauseId, readonly string[]][]) {
  for (const g of generics) GENERIC_TO_CAUSE.set(g, causeId);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A term as a whole word (letters and digits on neither side), spaces matching any whitespace. */
function wordPattern(term: string): RegExp {
  const body = term.split(/\s+/).map(escapeRegExp).join('\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'iu');
}

const TERM_PATTERNS: { pattern: RegExp; generic: string }[] = [
  ...[...GENERIC_TO_CAUSE.keys()].map((g) => ({ pattern: wordPattern(g), generic: g })),
  ...Object.entries(BRAND_NAMES).map(([brand, g]) => ({ pattern: wordPattern(brand), generic: g })),
];

/**
 * The drug causes a medication name matches: case-insensitive, the generic name (or a mapped
 * brand name) appearing as a whole word. "Omeprazole 20 mg" matches omeprazole; "Esomeprazole"
 * matches esomeprazole only.
 */
export function matchMedication(name: string): { causeId: CauseId; generic: string }[] {
  const found = new Set<string>();
  for (const { pattern, generic } of TERM_PATTERNS) {
    if (pattern.test(name)) found.add(generic);
  }
  const result: { causeId: CauseId; generic: string }[] = [];
  for (const [generic, causeId] of GENERIC_TO_CAUSE) {
    if (found.has(generic)) result.push({ causeId, generic });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// BMI and labs

/** Body mass index rounded to one decimal. Throws RangeError for a non-positive height or weight. */
export function bmi(heightCm: number, weightKg: number): number {
  if (!(heightCm > 0) || !(weightKg > 0) || !Number.isFinite(heightCm) || !Number.isFinite(weightKg)) {
    throw new RangeError('height and weight must be positive numbers');
  }
  const m = heightCm / 100;
  return Math.round((weightKg / (m * m)) * 10) / 10;
}

function normaliseUnit(unit: string): string {
  return unit
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '')
    .replace(/[µμ]/g, 'u')
    .replace(/^mcg\//, 'ug/')
    .replace(/^ng\/ml$/, 'ug/l');
}

/** Whether a lab's unit is the one its analyte is compared in (spelling variants accepted). */
export function isCanonicalUnit(analyte: Analyte, unit: string): boolean {
  return normaliseUnit(unit) === normaliseUnit(ANALYTE_UNITS[analyte]);
}

const MICRONUTRIENTS: readonly {
  analyte: Analyte;
  name: string;
  threshold: (t: Thresholds) => number;
}[] = [
  { analyte: 'MAGNESIUM', name: 'magnesium', threshold: (t) => t.magnesium },
  { analyte: 'POTASSIUM', name: 'potassium', threshold: (t) => t.potassium },
  { analyte: 'CALCIUM', name: 'calcium', threshold: (t) => t.calcium },
  { analyte: 'PHOSPHATE', name: 'phosphate', threshold: (t) => t.phosphate },
  { analyte: 'VITAMIN_D', name: 'vitamin D', threshold: (t) => t.vitaminD },
];

// ---------------------------------------------------------------------------------------------

function lower(label: string): string {
  return label.charAt(0).toLowerCase() + label.slice(1);
}

function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const MAX_VISIT_REASONS = 3;

/** One reason per item, most recent first, the rest summarised (and not described: dates cost a time-zone lookup each). */
function capped<T>(items: T[], describe: (item: T) => string, noun: string): string[] {
  const shown = items.slice(0, MAX_VISIT_REASONS).map(describe);
  if (items.length <= MAX_VISIT_REASONS) return shown;
  return [...shown, `and ${plural(items.length - MAX_VISIT_REASONS, `more ${noun}`)}`];
}

/**
 * Every cause of CAUSES, in spec order, marked suggested with its reasons from the patient's data.
 * Anything dated after `asOf` is ignored. "In the window" means the red-flag window; the latest
 * weight and lab values are the most recent up to `asOf` whatever their age.
 */
export function suggestChecklist(
  facts: PatientFacts,
  asOf: Date,
  timeZone: string,
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): ChecklistSuggestion[] {
  const asOfMs = asOf.getTime();
  const asOfDay = localDate(asOf, timeZone);
  const windowLabel = `in the last ${plural(thresholds.windowDays, 'day')}`;
  const day = (d: Date): string => localDate(d, timeZone);

  const visits = facts.visits
    .filter((v) => v.occurredAt.getTime() <= asOfMs)
    .sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime()); // most recent first
  const windowVisits = episodesInWindow(visits, asOf, thresholds.windowDays);
  const windowEpisodes = episodesInWindow(facts.episodes, asOf, thresholds.windowDays);
  const labs = facts.labs
    .filter((l) => l.takenAt.getTime() <= asOfMs && isCanonicalUnit(l.analyte, l.unit) && Number.isFinite(l.value))
    .sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime());
  const latestLab = (analyte: Analyte) => labs.find((l) => l.analyte === analyte);
  const labReason = (name: string, lab: { value: number; analyte: Analyte; takenAt: Date }): string =>
    `${name} ${lab.value} ${ANALYTE_UNITS[lab.analyte]} on ${day(lab.takenAt)}`;

  const conditions = new Set(facts.conditions);
  const lifestyle = new Set(facts.lifestyle);

  const reasons = new Map<CauseId, string[]>(CAUSE_IDS.map((id) => [id, []]));
  const add = (id: CauseId, ...r: string[]): void => {
    reasons.get(id)!.push(...r);
  };
  const conditionRule = (id: CauseId, list: Condition[]): void => {
    for (const c of list) if (conditions.has(c)) add(id, `problem list: ${lower(CONDITION_LABELS[c])}`);
  };
  const lifestyleRule = (id: CauseId, list: LifestyleFlag[]): void => {
    for (const f of list) if (lifestyle.has(f)) add(id, `lifestyle: ${lower(LIFESTYLE_FLAG_LABELS[f])}`);
  };
  const triggerRule = (id: CauseId, trigger: Trigger): void => {
    const n = windowEpisodes.filter((e) => e.triggers.includes(trigger)).length;
    if (n > 0) add(id, `${plural(n, 'episode')} triggered by ${lower(TRIGGER_LABELS[trigger])} ${windowLabel}`);
  };

  /** Visits (most recent first) whose examination found any of `findings`, described by date. */
  const findingRule = (id: CauseId, list: readonly Visit[], findings: readonly ExamFinding[]): void => {
    add(
      id,
      ...capped(
        list.filter((v) => v.examFindings?.some((f) => findings.includes(f))),
        (v) => {
          const names = findings.filter((f) => v.examFindings!.includes(f)).map((f) => EXAM_FINDING_LABELS[f].toLowerCase());
          return `examination: ${names.join(', ')} at the visit on ${day(v.occurredAt)}`;
        },
        'visit',
      ),
    );
  };

  // varicose_veins
  conditionRule('varicose_veins', ['VARICOSE_VEINS']);
  findingRule('varicose_veins', visits, ['VARICOSE_VEINS_SEEN']);

  // acute_infection
  conditionRule('acute_infection', ['ACUTE_INFECTION']);
  add(
    'acute_infection',
    ...capped(
      windowVisits.filter((v) => v.temperatureC != null && v.temperatureC >= thresholds.feverC),
      (v) => `temperature ${v.temperatureC} °C at the visit on ${day(v.occurredAt)}`,
      'visit',
    ),
  );

  // intoxication
  conditionRule('intoxication', ['KIDNEY_DISEASE', 'LIVER_DISEASE', 'INTOXICATION']);

  // metabolic_endocrine
  conditionRule('metabolic_endocrine', ['DIABETES', 'THYROID_DISORDER', 'METABOLIC_DISORDER']);
  const glucose = latestLab('GLUCOSE');
  if (glucose && glucose.value >= thresholds.fastingGlucose) {
    add('metabolic_endocrine', labReason('fasting glucose', glucose));
  }

  // neurological
  conditionRule('neurological', ['NEUROLOGICAL_DISORDER']);
  const impaired = windowEpisodes.filter((e) => e.consciousnessImpaired).length;
  if (impaired > 0) add('neurological', `${plural(impaired, 'episode')} with impaired consciousness ${windowLabel}`);

  // high_blood_pressure
  conditionRule('high_blood_pressure', ['HYPERTENSION']);
  add(
    'high_blood_pressure',
    ...capped(
      visits.filter(
        (v) =>
          (v.systolic != null && v.systolic >= thresholds.systolic) ||
          (v.diastolic != null && v.diastolic >= thresholds.diastolic),
      ),
      (v) => {
        const bp =
          v.systolic != null && v.diastolic != null
            ? `blood pressure ${v.systolic}/${v.diastolic} mmHg`
            : v.systolic != null
              ? `systolic blood pressure ${v.systolic} mmHg`
              : `diastolic blood pressure ${v.diastolic} mmHg`;
        return `${bp} at the visit on ${day(v.occurredAt)}`;
      },
      'visit',
    ),
  );

  // pregnancy
  if (facts.pregnant) add('pregnancy', 'pregnant');

  // overweight: BMI is rounded to one decimal before comparing, so the reason and the rule agree.
  const weighed = visits.find((v) => v.weightKg != null && v.weightKg > 0);
  if (facts.heightCm != null && facts.heightCm > 0 && weighed) {
    const value = bmi(facts.heightCm, weighed.weightKg!);
    if (value >= thresholds.bmiOverweight) {
      const kind = value >= thresholds.bmiObesity ? 'obesity' : 'overweight';
      add(
        'overweight',
        `BMI ${value.toFixed(1)} (${kind}): weight ${weighed.weightKg} kg on ${day(weighed.occurredAt)}, height ${facts.heightCm} cm`,
      );
    }
  }

  // overexertion
  lifestyleRule('overexertion', ['INTENSE_EXERCISE']);
  triggerRule('overexertion', 'EXERTION');

  // hypothermia
  triggerRule('hypothermia', 'COLD');

  // micronutrient_deficiency
  for (const m of MICRONUTRIENTS) {
    const lab = latestLab(m.analyte);
    if (lab && lab.value < m.threshold(thresholds)) add('micronutrient_deficiency', labReason(m.name, lab));
  }

  // magnesium_blocking_drugs and cramp_inducing_drugs: active, and not started after asOf.
  for (const med of facts.medications) {
    if (!med.active) continue;
    const started = med.startedOn && /^\d{4}-\d{2}-\d{2}/.test(med.startedOn) ? med.startedOn.slice(0, 10) : null;
    if (started && started > asOfDay) continue;
    for (const { causeId, generic } of matchMedication(med.name)) {
      const named = wordPattern(generic).test(med.name) ? generic : `${generic} (${med.name.trim()})`;
      add(causeId, started ? `on ${named} since ${started}` : `on ${named}`);
    }
  }

  // calcium_loss
  lifestyleRule('calcium_loss', ['HIGH_STRESS', 'HIGH_PROTEIN_DIET']);
  triggerRule('calcium_loss', 'STRESS');

  // heat_sweating
  triggerRule('heat_sweating', 'HEAT_SWEATING');

  // footwear
  lifestyleRule('footwear', ['HIGH_HEELS']);
  triggerRule('footwear', 'TIGHT_FOOTWEAR');

  // inactivity
  lifestyleRule('inactivity', ['SEDENTARY']);

  // iron_deficiency
  const ferritin = latestLab('FERRITIN');
  if (ferritin) {
    const rls = windowEpisodes.filter((e) => e.classification === 'RLS' || e.suggestedClassification === 'RLS').length;
    if (ferritin.value < thresholds.ferritinLow) {
      add('iron_deficiency', labReason('ferritin', ferritin));
    } else if (rls > 0 && ferritin.value < thresholds.ferritinLowWithRls) {
      add(
        'iron_deficiency',
        `${labReason('ferritin', ferritin)}, below ${thresholds.ferritinLowWithRls} ${ANALYTE_UNITS.FERRITIN} with ${plural(rls, 'RLS episode')} ${windowLabel}`,
      );
    }
  }

  // deep_vein_thrombosis: always listed; suggested by calf swelling at a visit in the window.
  findingRule('deep_vein_thrombosis', windowVisits, CALF_SWELLING_FINDINGS);

  // peripheral_arterial_disease: reduced pulses, or episodes brought on by walking and relieved by rest.
  findingRule('peripheral_arterial_disease', visits, ['REDUCED_FOOT_PULSES']);
  const claudication = windowEpisodes.filter((e) => e.triggers.includes('WALKING') && (e.relief ?? []).includes('REST')).length;
  if (claudication >= thresholds.claudicationEpisodes) {
    add('peripheral_arterial_disease', `${plural(claudication, 'episode')} brought on by walking and relieved by rest ${windowLabel}`);
  }

  // neuromuscular
  findingRule('neuromuscular', visits, NEUROMUSCULAR_FINDINGS);

  return orderChecklist(
    CAUSES.map((c) => {
      const r = reasons.get(c.id)!;
      return {
        causeId: c.id,
        label: c.label,
        source: c.source,
        citation: c.citation,
        weakEvidence: c.weakEvidence,
        suggested: r.length > 0,
        reasons: r,
      };
    }),
  );
}

/** Suggested items first, most reasons first, then the rest, each group in the spec's order (a stable sort). */
export function orderChecklist<T extends { causeId: CauseId; suggested: boolean; reasons: string[] }>(items: T[]): T[] {
  const specOrder = (id: CauseId) => CAUSE_IDS.indexOf(id);
  return [...items].sort(
    (a, b) =>
      Number(b.suggested) - Number(a.suggested) ||
      (a.suggested ? b.reasons.length - a.reasons.length : 0) ||
      specOrder(a.causeId) - specOrder(b.causeId),
  );
}
