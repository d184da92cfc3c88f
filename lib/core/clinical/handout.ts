/**
 * Patient handout text (clinical spec section 6), written in plain language in the product's own
 * words. Advice for the patient, not a treatment plan.
 */
import type { RedFlagCode } from './red-flags';
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds';

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
