package rate

import (
	"fmt"
	"sync"
)

// Lockstep lets two Sims of one Model share the pass over W: once both
// have joined, each Step blocks until the partner also calls Step, and the
// last to arrive advances both with one conn.Tiled.MulVec2Range pass
// (≈ 1.3–1.8 single passes for two states: the matvec is bound by the
// stream of W). Every row of each Sim is computed exactly as when it steps
// alone, so results are bit-identical to unpaired runs — pairing changes
// only the speed. Use it for trials of one network with the same timing
// (pbdms runs familiar and novel trial k side by side).
//
// Each Sim must be stepped from its own goroutine: a Step waits for the
// partner's, so a Sim that stops stepping must Close (on its own
// goroutine) or its partner blocks. A Sim leaves on Close and on
// StartLyapunov (its twin makes the step a two-state pass already); after
// that its partner steps alone. A panic in a paired step (say, a partner's
// Ext of the wrong length) is re-raised on both goroutines. Only
// Euler and exponential Euler steps are shared; Sims of different models
// or dynamics cannot join.
type Lockstep struct {
	mu      sync.Mutex
	members [2]*Sim
	n       int           // members still joined
	waiting *Sim          // the member blocked in Step, or nil
	ready   chan struct{} // closed when the waiting member may go on
	shared  int64         // steps taken as a pair
}

// Shared returns the number of steps the pair took together.
func (l *Lockstep) Shared() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.shared
}

// Join adds s to the pair (at most two Sims, of the same model and
// dynamics, Euler or exponential Euler, without a Lyapunov twin).
func (l *Lockstep) Join(s *Sim) error {
	if s.dyn.Integrator == RK2 {
		return fmt.Errorf("rate: Lockstep: RK2 steps are not shared")
	}
	if s.lyap != nil {
		return fmt.Errorf("rate: Lockstep: the Sim tracks a Lyapunov twin")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if s.ls != nil {
		return fmt.Errorf("rate: Lockstep: the Sim has joined a pair already")
	}
	if l.members[0] != nil && l.members[1] != nil {
		return fmt.Errorf("rate: Lockstep: the pair is full")
	}
	if o := l.members[0]; o != nil && (o.kern != s.kern || o.dyn != s.dyn || o.m != s.m) {
		return fmt.Errorf("rate: Lockstep: the Sims differ in model, kernel or dynamics")
	}
	if l.members[0] == nil {
		l.members[0] = s
	} else {
		l.members[1] = s
	}
	l.n++
	s.ls = l
	return nil
}

// step advances s, with its partner when the partner is stepping too; it
// reports false when s must step alone.
func (l *Lockstep) step(s *Sim) bool {
	l.mu.Lock()
	if l.n < 2 {
		l.mu.Unlock()
		return false
	}
	if l.waiting == nil {
		ch := make(chan struct{})
		l.waiting, l.ready = s, ch
		s.lsDone = false
		l.mu.Unlock()
		<-ch
		if v := s.lsPanic; v != nil {
			s.lsPanic = nil
			panic(fmt.Sprintf("rate: Lockstep: the paired step panicked on the partner's goroutine: %v", v))
		}
		return s.lsDone // false: the partner left instead of stepping
	}
	p, ch := l.waiting, l.ready
	l.waiting, l.ready = nil, nil
	l.shared++
	l.mu.Unlock()
	ok := false
	defer func() {
		if !ok { // advancePair panicked: p's state is half-advanced, re-panic there too
			v := recover()
			p.lsPanic = v
			close(ch)
			panic(v)
		}
	}()
	s.advancePair(p)
	ok = true
	p.lsDone = true
	close(ch)
	return true
}

// waitingSim returns the member blocked in Step (for tests).
func (l *Lockstep) waitingSim() *Sim {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.waiting
}

// leave takes s out of the pair and releases a partner waiting for it.
func (l *Lockstep) leave(s *Sim) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s.ls != l {
		return
	}
	s.ls = nil
	l.n--
	if w := l.waiting; w != nil && w != s {
		l.waiting = nil
		w.lsDone = false
		close(l.ready)
	}
}

// advancePair is one Euler (or exponential Euler) step of s and p with one
// pass over W, on s's workers; each state gets the bits of advance.
func (s *Sim) advancePair(p *Sim) {
	in1, in2 := s.prepareInput(), p.prepareInput()
	t, tf, a := s.kern, &s.m.TF, s.a
	exp := s.dyn.Integrator == ExpEuler
	s.pool.Run(func(k int) {
		lo, hi := s.rows[k], s.rows[k+1]
		t.MulVec2Range(s.next, p.next, s.R, p.R, lo, hi)
		eulerRows(tf, a, exp, s.next, s.R, in1, lo, hi)
		eulerRows(tf, a, exp, p.next, p.R, in2, lo, hi)
	})
	s.R, s.next = s.next, s.R
	p.R, p.next = p.next, p.R
	s.Steps++
	p.Steps++
}
