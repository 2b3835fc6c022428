/** The time steps `centre - reach` … `centre + reach`, lowest first: the window a TOTP code is looked for in. */
export function stepWindow(centre: number, reach: number): number[] {
  const steps: number[] = [];
  for (let step = centre - reach; step <= centre + reach; step++) steps.push(step);
  return steps;
}
