// Package mistakes is the corpus of realistic mistakes and data faults a
// consultant makes when writing an experiment file or exporting data: a
// misspelt label, a training file that is the replay, a rule whose type
// error fails every record, a score column with NaN, too few records. Each
// case is a small experiment and data file run through the command line as
// a user runs it, and asserts the positioned error or the warning poc gives,
// and that no case changes a verdict silently. The package holds no code
// outside its tests.
package mistakes
