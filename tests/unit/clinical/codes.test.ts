import { describe, expect, it } from 'vitest';
import { codesForEpisode, ICD10_CODES, SNOMED_CODES, type EpisodeCodingInput } from '@/lib/core/clinical/codes';

const code = (c: { system: string; code: string }) => `${c.system}:${c.code}`;

describe('codesForEpisode', () => {
  it.each<[string, EpisodeCodingInput, string[]]>([
    ['TONIC, calf, awake', { classification: 'TONIC', muscleGroup: 'CALF', duringSleep: false }, ['ICD-10-CM:M62.831', 'SNOMED-CT:449918009']],
    ['TONIC, calf, during sleep (sleep wins)', { classification: 'TONIC', muscleGroup: 'CALF', duringSleep: true }, ['ICD-10-CM:G47.62', 'SNOMED-CT:449918009']],
    ['TONIC, foot, awake', { classification: 'TONIC', muscleGroup: 'FOOT', duringSleep: false }, ['ICD-10-CM:R25.2']],
    ['TONIC, thigh, awake', { classification: 'TONIC', muscleGroup: 'THIGH', duringSleep: false }, ['ICD-10-CM:R25.2']],
    ['TONIC, other, during sleep', { classification: 'TONIC', muscleGroup: 'OTHER', duringSleep: true }, ['ICD-10-CM:G47.62']],
    ['RLS', { classification: 'RLS', muscleGroup: 'CALF', duringSleep: true }, ['ICD-10-CM:G25.81', 'SNOMED-CT:32914008']],
    ['MYOCLONIC', { classification: 'MYOCLONIC', muscleGroup: 'CALF', duringSleep: false }, ['ICD-10-CM:G25.3']],
    ['CLONIC', { classification: 'CLONIC', muscleGroup: 'CALF', duringSleep: false }, ['ICD-10-CM:R56.9', 'SNOMED-CT:91175000']],
    ['TONIC_CLONIC', { classification: 'TONIC_CLONIC', muscleGroup: 'THIGH', duringSleep: true }, ['ICD-10-CM:R56.9', 'SNOMED-CT:91175000']],
    ['suggestion used when there is no label', { classification: null, suggestedClassification: 'RLS', muscleGroup: 'CALF', duringSleep: false }, ['ICD-10-CM:G25.81', 'SNOMED-CT:32914008']],
    ["clinician's label wins over the suggestion", { classification: 'MYOCLONIC', suggestedClassification: 'TONIC', muscleGroup: 'CALF', duringSleep: false }, ['ICD-10-CM:G25.3']],
    ['no type, no codes', { muscleGroup: 'CALF', duringSleep: true }, []],
    ['null type, no codes', { classification: null, suggestedClassification: null, muscleGroup: 'CALF', duringSleep: false }, []],
  ])('%s', (_name, input, expected) => {
    expect(codesForEpisode(input).map(code)).toEqual(expected);
  });

  it('carries the displays of the lookup maps', () => {
    const [icd, snomed] = codesForEpisode({ classification: 'TONIC', muscleGroup: 'CALF', duringSleep: false });
    expect(icd).toEqual({ system: 'ICD-10-CM', code: 'M62.831', display: 'Muscle spasm of calf' });
    expect(snomed).toEqual({ system: 'SNOMED-CT', code: '449918009', display: 'Cramp in lower leg' });
  });

  it('returns copies, so callers cannot alter the lookup maps', () => {
    const [icd] = codesForEpisode({ classification: 'RLS', muscleGroup: 'CALF', duringSleep: false });
    icd.display = 'changed';
    expect(ICD10_CODES['G25.81'].display).toBe('Restless legs syndrome');
  });
});

describe('code maps', () => {
  it.each<[string, string]>([
    ['R25.2', 'Cramp and spasm'],
    ['M62.831', 'Muscle spasm of calf'],
    ['G47.62', 'Sleep related leg cramps'],
    ['G25.81', 'Restless legs syndrome'],
    ['G25.3', 'Myoclonus'],
    ['R56.9', 'Unspecified convulsions'],
    ['E83.42', 'Hypomagnesemia'],
    ['E87.6', 'Hypokalemia'],
  ])('ICD-10-CM %s = %s', (c, display) => {
    expect(ICD10_CODES[c as keyof typeof ICD10_CODES]).toEqual({ system: 'ICD-10-CM', code: c, display });
  });

  it.each<[string, string]>([
    ['449918009', 'Cramp in lower leg'],
    ['32914008', 'Restless legs'],
    ['91175000', 'Seizure'],
  ])('SNOMED CT %s = %s', (c, display) => {
    expect(SNOMED_CODES[c as keyof typeof SNOMED_CODES]).toEqual({ system: 'SNOMED-CT', code: c, display });
  });
});
