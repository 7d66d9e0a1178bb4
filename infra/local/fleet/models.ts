// The ASIC models the sample fleet is drawn from, with manufacturers' nominal figures and how
// common each is in a typical present-day fleet (the weights).

export interface AsicModel {
  model: string;
  hashrateThs: number;
  powerW: number;
  /** Relative share in a generated fleet: mostly S19-class and newer, a tail of old units. */
  weight: number;
}

export const ASIC_MODELS: readonly AsicModel[] = [
  { model: 'Antminer S9', hashrateThs: 13.5, powerW: 1_323, weight: 1 },
  { model: 'Antminer S17 Pro', hashrateThs: 53, powerW: 2_094, weight: 2 },
  { model: 'Antminer S19', hashrateThs: 95, powerW: 3_250, weight: 12 },
  { model: 'Antminer S19j Pro', hashrateThs: 104, powerW: 3_068, weight: 17 },
  { model: 'Antminer S19 XP', hashrateThs: 140, powerW: 3_010, weight: 12 },
  { model: 'Antminer S21', hashrateThs: 200, powerW: 3_500, weight: 12 },
  { model: 'Antminer S21 Pro', hashrateThs: 234, powerW: 3_510, weight: 6 },
  { model: 'Antminer S21 XP', hashrateThs: 270, powerW: 3_645, weight: 3 },
  { model: 'Whatsminer M30S++', hashrateThs: 112, powerW: 3_472, weight: 10 },
  { model: 'Whatsminer M50S', hashrateThs: 126, powerW: 3_276, weight: 10 },
  { model: 'Whatsminer M60S', hashrateThs: 186, powerW: 3_441, weight: 9 },
  { model: 'Avalon A1246', hashrateThs: 90, powerW: 3_420, weight: 6 },
];

export const MODEL_NAMES: readonly string[] = ASIC_MODELS.map((m) => m.model);
