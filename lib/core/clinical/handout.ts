/**
 * Patient handout text (clinical spec section 6), written in plain language in the product's own
 * words. Advice for the patient, not a treatment plan.
 */
import type { RedFlagCode } from './red-flags';
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds';
import { HANDOUT_SECTIONS_ES, handoutRedFlagTextEs } from './handout-es';

export interface HandoutSection {
  title: string;
  items: string[];
}

export const HANDOUT_SECTIONS: readonly HandoutSection[] = [
  {
    title: 'When a cramp starts',
    items: [
      'Sit down and rest both feet flat on something cool, such as a tiled floor.',
      'Hold the toes of the cramping leg and draw them gently back towards your knee to stretch the calf.',
      'Squeeze the tight muscle firmly for a moment, then rub it and stretch it with your hands.',
      'A warming cream or a warm compress on the calf can help the muscle let go.',
      'These steps ease the cramp but do not remove its cause.',
    ],
  },
  {
    title: 'After a cramp',
    items: [
      'Once the muscle has relaxed, stay still for a while and let the leg rest.',
      'If cramps come back several days running, keep your feet warm, use a warm compress and sleep in warm clothes.',
    ],
  },
  {
    title: 'Exercises and massage',
    items: [
      'Each morning on waking, curl and stretch your toes slowly, then rise onto your toes and rock back onto your heels.',
      'In the evening, while sitting, circle your feet, then hold your toes curled briefly before spreading them wide.',
      'Exercises should never hurt: stop if they do.',
      'Massage the calf gently, starting just above the heel at the Achilles tendon and working up towards the knee.',
    ],
  },
  {
    title: 'Everyday prevention',
    items: [
      'Choose comfortable shoes with a low heel.',
      'Give your legs breaks during the day, and balance activity with rest.',
      'Have less salt and sugar, and cut back on instant coffee.',
      'Eat a varied diet that gives you enough vitamins and minerals.',
      'Avoid getting cold; warm socks at night can help.',
      'Before bed, try alternating warm and cool foot baths.',
    ],
  },
  {
    title: 'Foods that help',
    items: [
      'Magnesium: whole grains and buckwheat, nuts, soya, dried fruit and seaweed.',
      'Calcium: milk, yoghurt and other dairy, hard cheese, beans and lentils, sesame, cabbage and celery.',
      'Potassium: bananas, oranges, oily fish such as salmon, and pine nuts.',
      'B vitamins: liver, fish such as cod, bran and sprouted grains.',
    ],
  },
  {
    title: 'When to see your doctor',
    items: [
      'See your doctor for a check-up if cramps happen often, last a long time, come at any time of day or appear without exercise.',
      'Get urgent medical help if you lose awareness or cannot respond during an attack.',
    ],
  },
];

const CHECK_UP = 'Please have a full check-up so the cause can be found.';

function minutesOrSeconds(seconds: number): string {
  if (seconds % 60 === 0) return seconds === 60 ? '1 minute' : `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}

/** A plain-language sentence for the patient about one red flag (numbers follow the clinic's thresholds). */
export function handoutRedFlagText(code: RedFlagCode, thresholds: Thresholds = DEFAULT_THRESHOLDS): string {
  switch (code) {
    case 'IMPAIRED_CONSCIOUSNESS':
      return 'You were not fully aware during an attack. This needs an urgent check by a nerve specialist (neurologist).';
    case 'SEIZURE_SIGNS':
      return 'You bit your tongue or wet yourself during an attack. This needs an urgent check by a nerve specialist (neurologist).';
    case 'PROLONGED_SEIZURE':
      return `At least one attack that may have been a seizure lasted ${minutesOrSeconds(thresholds.prolongedSeizureSeconds)} or more. If this happens again, call an ambulance.`;
    case 'PROLONGED_CRAMP':
      return `At least one cramp lasted ${minutesOrSeconds(thresholds.prolongedCrampSeconds)} or more. ${CHECK_UP}`;
    case 'CALF_SWELLING':
      return 'Your calf was swollen, warm or red at the examination. This needs a check the same day for a blood clot in the leg.';
    case 'WEAKNESS_OR_WASTING':
      return `Your muscles were weak, thinner or twitching at the examination. A nerve specialist (neurologist) should examine you.`;
    case 'FREQUENT_WITHOUT_EXERTION':
      return `Your cramps are frequent and most of them did not follow exercise or hard physical work. ${CHECK_UP}`;
    case 'FREQUENT_EPISODES':
      return `You had ${thresholds.frequentEpisodes} or more cramps within ${thresholds.frequentWindowDays} days. ${CHECK_UP}`;
    case 'CONSECUTIVE_DAYS':
      return `You had cramps on ${thresholds.consecutiveDays} or more days in a row. Keep your feet warm, use warm compresses and wear warm clothes at night, and have a check-up so the cause can be found.`;
    case 'ANY_TIME_OF_DAY':
      return `Your cramps come at different times of the day and night. ${CHECK_UP}`;
    case 'OUTSIDE_CALF_FOOT':
      return `You had cramps in muscles other than the calf or foot. ${CHECK_UP}`;
  }
}

// ---------------------------------------------------------------------------------------------
// The handout in the patient's language: English (above) or Spanish (./handout-es.ts), chosen by
// the language of the diary link it is printed with. Without a link it is English.

export const HANDOUT_LANGUAGES = ['en', 'es'] as const;
export type HandoutLanguage = (typeof HANDOUT_LANGUAGES)[number];

/** A handout language in words, for the clinician's pages. */
export const HANDOUT_LANGUAGE_LABELS: Readonly<Record<HandoutLanguage, string>> = { en: 'English', es: 'Spanish (español)' };

/** Every sentence of the handout around the advice, in one language. */
export interface HandoutWords {
  /** BCP 47 tag: the PDF's language and the dates' format. */
  locale: string;
  title: string;
  subject: string;
  forWhom: (name: string) => string;
  givenOn: (date: string, by: string, clinic: string) => string;
  warningsTitle: string;
  sections: readonly HandoutSection[];
  redFlagText: (code: RedFlagCode, thresholds?: Thresholds) => string;
  closing: (clinic: string) => string;
  page: (page: number, pages: number) => string;
  /** The box of a handout printed with a diary link. */
  diary: { title: string; scan: string; keep: string; worksUntil: (date: string) => string };
}

export const HANDOUT_WORDS: Readonly<Record<HandoutLanguage, HandoutWords>> = {
  en: {
    locale: 'en-GB',
    title: 'Leg cramps: what you can do',
    subject: 'Advice for the patient',
    forWhom: (name) => `For ${name}`,
    givenOn: (date, by, clinic) => `Given on ${date} by ${by}, ${clinic}`,
    warningsTitle: 'Your warning signs',
    sections: HANDOUT_SECTIONS,
    redFlagText: handoutRedFlagText,
    closing: (clinic) => `If you have questions, or your cramps change, contact ${clinic}.`,
    page: (page, pages) => `Page ${page} of ${pages}`,
    diary: {
      title: 'Your symptom diary',
      scan: "Scan this code with your phone's camera to open your diary. Write down each cramp or attack when it happens: your clinic sees what you send.",
      keep: 'No password is needed, so keep this link to yourself.',
      worksUntil: (date) => `The link works until ${date}.`,
    },
  },
  es: {
    locale: 'es-ES',
    title: 'Calambres en las piernas: lo que usted puede hacer',
    subject: 'Consejos para el paciente',
    forWhom: (name) => `Para ${name}`,
    givenOn: (date, by, clinic) => `Entregado el ${date} por ${by}, ${clinic}`,
    warningsTitle: 'Sus señales de alarma',
    sections: HANDOUT_SECTIONS_ES,
    redFlagText: handoutRedFlagTextEs,
    closing: (clinic) => `Si tiene preguntas, o sus calambres cambian, póngase en contacto con ${clinic}.`,
    page: (page, pages) => `Página ${page} de ${pages}`,
    diary: {
      title: 'Su diario de síntomas',
      scan: 'Escanee este código con la cámara del móvil para abrir su diario. Anote cada calambre o crisis en cuanto ocurra: su clínica verá lo que envíe.',
      keep: 'No hace falta contraseña, así que no comparta este enlace con nadie.',
      worksUntil: (date) => `El enlace funciona hasta el ${date}.`,
    },
  },
};

/** A day in the patient's language on the clinic's calendar: "12 June 2027", "12 de junio de 2027". */
export function handoutDate(at: Date, language: HandoutLanguage, timeZone: string): string {
  return new Intl.DateTimeFormat(HANDOUT_WORDS[language].locale, { timeZone, day: 'numeric', month: 'long', year: 'numeric' }).format(at);
}
