// An interrupt line as a device sees it: a level it can raise and lower. The VM wires it to a
// KVM GSI; unit tests wire it to a recorder. Edge-triggered sources pulse it.

export interface IrqLine {
  setLevel(high: boolean): void;
}

export function pulse(line: IrqLine): void {
  line.setLevel(true);
  line.setLevel(false);
}
