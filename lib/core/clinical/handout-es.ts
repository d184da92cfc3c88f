/**
 * The patient handout in Spanish (clinical spec section 6): the same advice as the English
 * handout (./handout.ts), written for a Spanish-speaking patient in plain words and the polite
 * "usted", not translated word for word. Handed out with a diary link whose language is Spanish.
 * Pure.
 */
import type { RedFlagCode } from './red-flags';
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds';

export const HANDOUT_SECTIONS_ES: readonly { title: string; items: string[] }[] = [
  {
    title: 'Cuando empieza un calambre',
    items: [
      'Siéntese y apoye bien los dos pies sobre una superficie fresca, como un suelo de baldosas.',
      'Sujete los dedos del pie de la pierna que tiene el calambre y tire de ellos con suavidad hacia la rodilla para estirar la pantorrilla.',
      'Apriete con firmeza el músculo endurecido durante unos momentos; después, frótelo y estírelo con las manos.',
      'Una crema que dé calor o una compresa tibia sobre la pantorrilla pueden ayudar a que el músculo se suelte.',
      'Estos pasos alivian el calambre, pero no quitan lo que lo provoca.',
    ],
  },
  {
    title: 'Después de un calambre',
    items: [
      'Cuando el músculo se haya relajado, quédese quieto un rato y deje descansar la pierna.',
      'Si los calambres vuelven varios días seguidos, mantenga los pies calientes, póngase una compresa tibia y duerma con ropa de abrigo.',
    ],
  },
  {
    title: 'Ejercicios y masaje',
    items: [
      'Cada mañana, al despertarse, encoja y estire despacio los dedos de los pies; luego póngase de puntillas y después apoye el peso en los talones.',
      'Por la tarde, sentado, haga círculos con los pies; después mantenga los dedos encogidos un momento y luego ábralos bien.',
      'Los ejercicios nunca deben doler: si le duelen, pare.',
      'Masajee la pantorrilla con suavidad, empezando justo encima del talón, en el tendón de Aquiles, y subiendo hacia la rodilla.',
    ],
  },
  {
    title: 'Para prevenirlos cada día',
    items: [
      'Use zapatos cómodos y de tacón bajo.',
      'Deje descansar las piernas a lo largo del día y alterne la actividad con el reposo.',
      'Tome menos sal y menos azúcar, y reduzca el café instantáneo.',
      'Coma de forma variada, para recibir suficientes vitaminas y minerales.',
      'No pase frío; ponerse calcetines gruesos por la noche puede ayudar.',
      'Antes de acostarse, pruebe a bañar los pies alternando agua tibia y agua fresca.',
    ],
  },
  {
    title: 'Alimentos que ayudan',
    items: [
      'Magnesio: cereales integrales y trigo sarraceno, frutos secos, soja, frutas secas (pasas, ciruelas, orejones) y algas.',
      'Calcio: leche, yogur y otros lácteos, queso curado, frijoles o alubias y lentejas, sésamo, col y apio.',
      'Potasio: plátanos o bananas, naranjas, pescado azul como el salmón, y piñones.',
      'Vitaminas del grupo B: hígado, pescado como el bacalao, salvado y cereales germinados.',
    ],
  },
  {
    title: 'Cuándo ir al médico',
    items: [
      'Pida a su médico una revisión si los calambres le dan a menudo, duran mucho, aparecen a cualquier hora del día o le vienen sin haber hecho ejercicio.',
      'Busque atención médica urgente si durante una crisis pierde el conocimiento o no puede responder.',
    ],
  },
];

const CHECK_UP_ES = 'Hágase una revisión completa para encontrar la causa.';

function minutesOrSecondsEs(seconds: number): string {
  if (seconds % 60 === 0) return seconds === 60 ? '1 minuto' : `${seconds / 60} minutos`;
  return seconds === 1 ? '1 segundo' : `${seconds} segundos`;
}

/** One red flag in plain Spanish for the patient (the numbers follow the clinic's thresholds). */
export function handoutRedFlagTextEs(code: RedFlagCode, thresholds: Thresholds = DEFAULT_THRESHOLDS): string {
  switch (code) {
    case 'IMPAIRED_CONSCIOUSNESS':
      return 'Durante una crisis no estuvo del todo consciente. Necesita que le revise con urgencia un especialista en los nervios (neurólogo).';
    case 'SEIZURE_SIGNS':
      return 'Durante una crisis se mordió la lengua o se le escapó la orina. Necesita que le revise con urgencia un especialista en los nervios (neurólogo).';
    case 'PROLONGED_SEIZURE':
      return `Al menos una crisis que pudo ser epiléptica duró ${minutesOrSecondsEs(thresholds.prolongedSeizureSeconds)} o más. Si vuelve a pasar, llame a una ambulancia.`;
    case 'PROLONGED_CRAMP':
      return `Al menos un calambre duró ${minutesOrSecondsEs(thresholds.prolongedCrampSeconds)} o más. ${CHECK_UP_ES}`;
    case 'CALF_SWELLING':
      return 'En la exploración, su pantorrilla estaba hinchada, caliente o enrojecida. Hay que revisarla el mismo día, por si hubiera un coágulo de sangre en la pierna.';
    case 'WEAKNESS_OR_WASTING':
      return 'En la exploración, sus músculos estaban débiles, más delgados o con pequeñas sacudidas. Debe examinarle un especialista en los nervios (neurólogo).';
    case 'FREQUENT_WITHOUT_EXERTION':
      return `Sus calambres son frecuentes y la mayoría no llegaron después de hacer ejercicio ni trabajo físico duro. ${CHECK_UP_ES}`;
    case 'FREQUENT_EPISODES':
      return `Tuvo ${thresholds.frequentEpisodes} calambres o más en un plazo de ${thresholds.frequentWindowDays} días. ${CHECK_UP_ES}`;
    case 'CONSECUTIVE_DAYS':
      return `Tuvo calambres ${thresholds.consecutiveDays} días seguidos o más. Mantenga los pies calientes, use compresas tibias y duerma con ropa de abrigo, y hágase una revisión para encontrar la causa.`;
    case 'ANY_TIME_OF_DAY':
      return `Sus calambres aparecen a distintas horas del día y de la noche. ${CHECK_UP_ES}`;
    case 'OUTSIDE_CALF_FOOT':
      return `Tuvo calambres en músculos que no son los de la pantorrilla ni los del pie. ${CHECK_UP_ES}`;
  }
}
