import { describe, expect, it } from 'vitest';
import { HANDOUT_SECTIONS, handoutRedFlagText } from '@/lib/clinical/handout';
import { RED_FLAG_CODES, type RedFlagCode } from '@/lib/clinical/red-flags';
import { resolveThresholds } from '@/lib/clinical/thresholds';

const allText = HANDOUT_SECTIONS.flatMap((s) => [s.title, ...s.items]).join('\n');

describe('HANDOUT_SECTIONS', () => {
  it('has titled sections with items', () => {
    expect(HANDOUT_SECTIONS.length).toBeGreaterThanOrEqual(5);
    for (const s of HANDOUT_SECTIONS) {
      expect(s.title.trim()).not.toBe('');
      expect(s.items.length).toBeGreaterThan(0);
    }
  });

  it.each<[string, RegExp]>([
    ['cold surface first aid', /cool/i],
    ['stretching the calf', /stretch/i],
    ['squeezing then rubbing', /squeeze/i],
    ['warming compress', /warm compress/i],
    ['rest afterwards', /rest/i],
    ['massage from the Achilles tendon upwards', /Achilles/],
    ['low-heeled shoes', /low heel/i],
    ['less salt, sugar and instant coffee', /less salt and sugar, and cut back on instant coffee/i],
    ['warm socks', /warm socks/i],
    ['contrast foot baths', /foot baths/i],
    ['magnesium foods', /Magnesium:/],
    ['calcium foods', /Calcium:/],
    ['potassium foods', /Potassium:/],
    ['B vitamin foods', /B vitamins:/],
    ['see a doctor when frequent or long', /often, last a long time/i],
  ])('covers %s', (_name, pattern) => {
    expect(allText).toMatch(pattern);
  });
});

describe('handoutRedFlagText', () => {
  it.each(RED_FLAG_CODES.map((c) => [c] as [RedFlagCode]))('%s has its own plain sentence', (code) => {
    const text = handoutRedFlagText(code);
    expect(text.length).toBeGreaterThan(20);
    expect(text).not.toMatch(/[A-Z]{2,}_/); // no codes leak into patient text
    const others = RED_FLAG_CODES.filter((c) => c !== code).map((c) => handoutRedFlagText(c));
    expect(others).not.toContain(text);
  });

  it.each<[RedFlagCode, RegExp]>([
    ['IMPAIRED_CONSCIOUSNESS', /urgent/i],
    ['PROLONGED_EPISODE', /5 minutes/],
    ['FREQUENT_EPISODES', /3 or more cramps within 7 days/],
    ['CONSECUTIVE_DAYS', /feet warm/i],
    ['FREQUENT_WITHOUT_EXERTION', /exercise/i],
  ])('%s says %s', (code, pattern) => {
    expect(handoutRedFlagText(code)).toMatch(pattern);
  });

  it("follows the clinic's thresholds", () => {
    const t = resolveThresholds({ prolongedEpisodeSeconds: 600, frequentEpisodes: 4 });
    expect(handoutRedFlagText('PROLONGED_EPISODE', t)).toMatch(/10 minutes/);
    expect(handoutRedFlagText('FREQUENT_EPISODES', t)).toMatch(/4 or more/);
  });
});
