package infobound

import (
	"math"
	"strconv"
)

const ln2 = math.Ln2

func ftoa(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
