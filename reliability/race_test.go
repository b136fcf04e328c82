//go:build race

package reliability

// raceEnabled says, in the report, that the figures were taken under the
// race detector, which slows everything several times.
const raceEnabled = true
