// Package inferloop is the closed-loop test of the Lim et al. (2015)
// inference (package infer) on a Pereira & Brunel rate network whose φ and
// learning rule are known (experiment "infer-loop").
package inferloop
