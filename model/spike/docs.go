package spike

import (
	"embed"
	"reflect"

	"github.com/engramsim/engram/config"
)

// docFiles are the sources of the spec and parameter structs: their field
// comments are the docs `engram describe` and config.resolved.toml print.
//
//go:embed params.go spec.go plasticity.go plasticity_memory.go protocol.go
var docFiles embed.FS

// DocSource names this package's config-struct sources (config.DocSource),
// for configs that embed spike's types.
func DocSource() config.DocSource {
	return config.DocSource{Pkg: reflect.TypeFor[Spec]().PkgPath(), Files: docFiles}
}

// OmitKey implements config.Omitter: the fields a neuron model does not
// use are left out of printed configs (describe, config.resolved.toml),
// so a LIF population is not shown AdEx knobs. Omitted fields keep their
// zero value when such a file is read back, and the spec hash of a
// checkpoint ignores them (canonical), so a rerun from the printed config
// matches.
func (p NeuronParams) OmitKey(key string) bool { return !p.uses(key) }

// uses reports whether the model of p reads the field with TOML key key.
func (p NeuronParams) uses(key string) bool {
	switch key {
	case "model":
		return true
	case "rate_hz":
		return p.Model == Poisson
	}
	if p.Model.IsSource() {
		return false
	}
	switch key {
	case "synapse", "reset", "tau_m_ms", "e_l_mv", "v_th_mv", "v_reset_mv", "tau_ref_ms", "i_bias_mv", "threshold_jump_mv":
		return true
	case "tau_threshold_ms":
		return p.ThresholdJumpMV != 0
	case "tau_syn_e_ms", "tau_syn_i_ms":
		return p.Synapse != Delta
	case "e_rev_e_mv", "e_rev_i_mv", "tau_nmda_ms", "tau_rise_e_ms", "tau_rise_i_ms", "adapt_g1_jump", "adapt_g2_jump":
		return p.Synapse == COBA
	case "adapt_g1_tau_ms":
		return p.Synapse == COBA && p.AdaptG1Jump != 0
	case "adapt_g2_tau_ms":
		return p.Synapse == COBA && p.AdaptG2Jump != 0
	case "nmda_fraction":
		return p.Synapse == COBA && p.TauNMDAMs != 0
	case "tau_adapt_ms", "beta_mv":
		return p.Model == ALIF
	case "delta_t_mv", "v_t_mv", "tau_w_ms", "adapt_a", "adapt_b_mv":
		return p.Model == AdEx
	}
	return true
}

// canonical returns p with every field its model does not use zeroed.
func (p NeuronParams) canonical() NeuronParams {
	v := reflect.ValueOf(&p).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		if key := t.Field(i).Tag.Get("toml"); key != "" && !p.uses(key) {
			v.Field(i).SetZero()
		}
	}
	return p
}
