import { describe, expect, it } from 'vitest';
import { HANDOUT_LANGUAGE_LABELS, HANDOUT_LANGUAGES, HANDOUT_SECTIONS, HANDOUT_WORDS, handoutDate, handoutRedFlagText } from '@/lib/core/clinical/handout';
import { HANDOUT_SECTIONS_ES, handoutRedFlagTextEs } from '@/lib/core/clinical/handout-es';
import { RED_FLAG_CODES, type RedFlagCode } from '@/lib/core/clinical/red-flags';
import { resolveThresholds } from '@/lib/core/clinical/thresholds';

const allText = HANDOUT_SECTIONS_ES.flatMap((s) => [s.title, ...s.items]).join('\n');

describe('HANDOUT_SECTIONS_ES', () => {
  it('follows the English handout section by section, item by item', () => {
    expect(HANDOUT_SECTIONS_ES.map((s) => s.items.length)).toEqual(HANDOUT_SECTIONS.map((s) => s.items.length));
    for (const [i, s] of HANDOUT_SECTIONS_ES.entries()) {
      expect(s.title.trim()).not.toBe('');
      expect(s.title).not.toBe(HANDOUT_SECTIONS[i].title);
      for (const [j, item] of s.items.entries()) {
        expect(item).not.toBe(HANDOUT_SECTIONS[i].items[j]);
        expect(item).toMatch(/[.]$/);
      }
    }
  });

  it.each<[string, RegExp]>([
    ['a cool surface first', /superficie fresca/],
    ['stretching the calf', /estirar la pantorrilla/],
    ['squeezing, then rubbing', /Apriete.*frótelo/],
    ['a warm compress', /compresa tibia/],
    ['rest afterwards', /descansar la pierna/],
    ['massage from the Achilles tendon upwards', /tendón de Aquiles/],
    ['low-heeled shoes', /tacón bajo/],
    ['less salt, sugar and instant coffee', /menos sal y menos azúcar, y reduzca el café instantáneo/],
    ['warm socks', /calcetines/],
    ['alternating foot baths', /alternando agua tibia y agua fresca/],
    ['magnesium foods', /^Magnesio:/m],
    ['calcium foods', /^Calcio:/m],
    ['potassium foods', /^Potasio:/m],
    ['B vitamin foods', /^Vitaminas del grupo B:/m],
    ['see a doctor when frequent or long', /a menudo, duran mucho/],
    ['urgent help when awareness is lost', /atención médica urgente/],
  ])('covers %s', (_name, pattern) => {
    expect(allText).toMatch(pattern);
  });

  it('speaks to the patient as "usted", in Spanish words only', () => {
    expect(allText).not.toMatch(/\b(tú|tu pierna|haz|siéntate)\b/i);
    expect(allText).not.toMatch(/\b(the|your|and|with)\b/);
  });
});

describe('handoutRedFlagTextEs', () => {
  it.each(RED_FLAG_CODES.map((c) => [c] as [RedFlagCode]))('%s has its own plain Spanish sentence', (code) => {
    const text = handoutRedFlagTextEs(code);
    expect(text.length).toBeGreaterThan(20);
    expect(text).not.toMatch(/[A-Z]{2,}_/);
    expect(text).not.toBe(handoutRedFlagText(code));
    const others = RED_FLAG_CODES.filter((c) => c !== code).map((c) => handoutRedFlagTextEs(c));
    expect(others).not.toContain(text);
  });

  it.each<[RedFlagCode, RegExp]>([
    ['IMPAIRED_CONSCIOUSNESS', /urgencia/],
    ['SEIZURE_SIGNS', /lengua/],
    ['PROLONGED_SEIZURE', /duró 5 minutos o más/],
    ['PROLONGED_SEIZURE', /ambulancia/],
    ['PROLONGED_CRAMP', /duró 10 minutos o más/],
    ['CALF_SWELLING', /mismo día/],
    ['CALF_SWELLING', /coágulo/],
    ['WEAKNESS_OR_WASTING', /neurólogo/],
    ['FREQUENT_EPISODES', /3 calambres o más en un plazo de 7 días/],
    ['CONSECUTIVE_DAYS', /3 días seguidos o más/],
  ])('%s says %s', (code, pattern) => {
    expect(handoutRedFlagTextEs(code)).toMatch(pattern);
  });

  it("follows the clinic's thresholds, with Spanish units", () => {
    const t = resolveThresholds({ prolongedSeizureSeconds: 60, prolongedCrampSeconds: 90, frequentEpisodes: 4, frequentWindowDays: 10, consecutiveDays: 4 });
    expect(handoutRedFlagTextEs('PROLONGED_SEIZURE', t)).toContain('duró 1 minuto o más');
    expect(handoutRedFlagTextEs('PROLONGED_CRAMP', t)).toContain('duró 90 segundos o más');
    expect(handoutRedFlagTextEs('FREQUENT_EPISODES', t)).toContain('4 calambres o más en un plazo de 10 días');
    expect(handoutRedFlagTextEs('CONSECUTIVE_DAYS', t)).toContain('4 días seguidos');
  });
});

describe('HANDOUT_WORDS', () => {
  it('has every sentence in both languages, and each language in words', () => {
    expect([...HANDOUT_LANGUAGES]).toEqual(['en', 'es']);
    expect(HANDOUT_LANGUAGE_LABELS).toEqual({ en: 'English', es: 'Spanish (español)' });
    const es = HANDOUT_WORDS.es;
    expect(es.sections).toBe(HANDOUT_SECTIONS_ES);
    expect(es.diary.title).toBe('Su diario de síntomas');
    expect(es.diary.worksUntil('3 de junio de 2027')).toBe('El enlace funciona hasta el 3 de junio de 2027.');
    expect(es.page(1, 2)).toBe('Página 1 de 2');
    expect(HANDOUT_WORDS.en.diary.worksUntil('3 June 2027')).toBe('The link works until 3 June 2027.');
  });

  it("writes the day on the clinic's calendar in the patient's language", () => {
    // 23:30 UTC on 2 June is already 3 June in Berlin.
    const at = new Date('2027-06-02T23:30:00Z');
    expect(handoutDate(at, 'es', 'Europe/Berlin')).toBe('3 de junio de 2027');
    expect(handoutDate(at, 'en', 'Europe/Berlin')).toBe('3 June 2027');
    expect(handoutDate(at, 'en', 'UTC')).toBe('2 June 2027');
  });
});
