import { describe, expect, it } from 'vitest';
import { chosenAnswer } from '../helpers/opencode-tui';

/**
 * `chosenAnswer` reads which answer opencode 1.18.33's permission question marks, from its coloured screen (tmux
 * `capture-pane -e`): the rows below are its answer row as captured with each answer chosen in turn (the chosen one
 * on the accent background 215, the others on the row's 234). The TUI tests pick Reject by it.
 */
const ESC = '\x1b[';
const edge = `${ESC}48;5;232m  ${ESC}38;5;215m${ESC}48;5;233m┃${ESC}38;5;15m${ESC}48;5;234m`;
const chosen = (label: string) => `${ESC}48;5;215m ${ESC}38;5;232m${label}${ESC}38;5;15m ${ESC}48;5;234m`;
const other = (label: string) => `${ESC}38;5;8m${label}${ESC}38;5;15m`;

const ROWS = [
  `${edge}  ${chosen('Allow once')}  ${other('Allow always')}   ${other('Reject')}     `,
  `${edge}   ${other('Allow once')}  ${chosen('Allow always')}  ${other('Reject')}     `,
  `${edge}   ${other('Allow once')}   ${other('Allow always')}  ${chosen('Reject')}    `,
];

describe('the answer opencode’s permission question marks', () => {
  it('is the one on a background of its own', () => {
    expect(ROWS.map((row) => chosenAnswer(`┃  Permission required\n${row}\n┃`))).toEqual([0, 1, 2]);
  });

  it('is none when no answer stands out, or when the screen shows no answers', () => {
    const plain = `${edge}   ${other('Allow once')}   ${other('Allow always')}   ${other('Reject')}`;
    expect(chosenAnswer(plain)).toBeUndefined();
    expect(chosenAnswer(`${ESC}48;5;234mAsk anything${ESC}0m`)).toBeUndefined();
  });

  it('follows a background set among other codes in one sequence, and a reset', () => {
    const row = `${ESC}0;38;5;8;48;5;215mAllow once${ESC}0m  Allow always  Reject`;
    expect(chosenAnswer(row)).toBe(0);
  });
});
