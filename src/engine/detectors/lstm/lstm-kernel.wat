;; The LSTM layer's arithmetic in WebAssembly SIMD (f32x4), four sequences per vector: lane l of
;; every vector belongs to sequence 4·group + l, so the gate nonlinearities and the state update run
;; on four sequences at once and a weight read serves four products. lstm-kernel.ts lays out the
;; memory and copies data in and out; lstm-kernel-wasm.ts holds this file assembled (base64).
;;
;; Layouts (bytes; a "vector" is 16 bytes, one value for each of a group's four sequences):
;;   x       inputs as given, [sequence, step, channel] f32, padded with zero sequences to whole groups
;;   wq      forward weights [units (4-row tiles of the 4·units gate rows), depth1, 4] f32, where
;;           depth1 = channels + units + 1 and column k is the kernel (k < channels), the recurrent
;;           kernel (k < channels + units) or the bias (k = channels + units, against a constant 1)
;;   wb      the recurrent kernel for the backward pass, [units4 / 4, 4·units, 4] f32, units4 =
;;           units rounded up to 4 (zero rows beyond units)
;;   s       the step's input vectors [x_t, h_(t−1), 1] (depth1 vectors); z: the pre-activations
;;           (4·units vectors); c: the cell state (units vectors)
;;   records per (group, step): i, f, g, o, c_t, tanh(c_t) (6·units vectors); states: that step's
;;           s (depth1 vectors). Written by the forward pass when tracing, read by the backward pass.
;;   out     last hidden states [sequence, unit] f32; dlast: their gradients, same layout
;;   dacc    weight-gradient accumulators, [4·units, depth1] vectors (lanes summed by the caller)
(module
  (memory (export "memory") 1)

  (func $hardSigmoid (param $x v128) (result v128)
    (f32x4.pmin
      (f32x4.pmax
        (f32x4.add (f32x4.mul (local.get $x) (v128.const f32x4 0.2 0.2 0.2 0.2))
                   (v128.const f32x4 0.5 0.5 0.5 0.5))
        (v128.const f32x4 0 0 0 0))
      (v128.const f32x4 1 1 1 1)))

  ;; 0.2 where the hard sigmoid's value is inside (0, 1), else 0 (its slope, from its value)
  (func $hardSigmoidSlope (param $v v128) (result v128)
    (v128.and
      (v128.and (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0))
                (f32x4.lt (local.get $v) (v128.const f32x4 1 1 1 1)))
      (v128.const f32x4 0.2 0.2 0.2 0.2)))

  ;; tanh as x·p(x²)/q(x²), the float rational approximation Eigen and XNNPACK use, on x clamped to
  ;; ±7.90531110763549805 (where it reaches ±1)
  (func $tanh (param $x v128) (result v128)
    (local $x2 v128) (local $p v128) (local $q v128)
    (local.set $x
      (f32x4.pmax
        (f32x4.pmin (local.get $x) (v128.const f32x4 7.90531110763549805 7.90531110763549805 7.90531110763549805 7.90531110763549805))
        (v128.const f32x4 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805 -7.90531110763549805)))
    (local.set $x2 (f32x4.mul (local.get $x) (local.get $x)))
    (local.set $p
      (f32x4.add (f32x4.mul (local.get $x2) (v128.const f32x4 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16 -2.76076847742355e-16))
                 (v128.const f32x4 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13 2.00018790482477e-13)))
    (local.set $p
      (f32x4.add (f32x4.mul (local.get $x2) (local.get $p))
                 (v128.const f32x4 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11 -8.60467152213735e-11)))
    (local.set $p
      (f32x4.add (f32x4.mul (local.get $x2) (local.get $p))
                 (v128.const f32x4 5.12229709037114e-08 5.12229709037114e-08 5.12229709037114e-08 5.12229709037114e-08)))
    (local.set $p
      (f32x4.add (f32x4.mul (local.get $x2) (local.get $p))
                 (v128.const f32x4 1.48572235717979e-05 1.48572235717979e-05 1.48572235717979e-05 1.48572235717979e-05)))
    (local.set $p
      (f32x4.add (f32x4.mul (local.get $x2) (local.get $p))
                 (v128.const f32x4 6.37261928875436e-04 6.37261928875436e-04 6.37261928875436e-04 6.37261928875436e-04)))
    (local.set $p
      (f32x4.add (f32x4.mul (local.get $x2) (local.get $p))
                 (v128.const f32x4 4.89352455891786e-03 4.89352455891786e-03 4.89352455891786e-03 4.89352455891786e-03)))
    (local.set $q
      (f32x4.add (f32x4.mul (local.get $x2) (v128.const f32x4 1.19825839466702e-06 1.19825839466702e-06 1.19825839466702e-06 1.19825839466702e-06))
                 (v128.const f32x4 1.18534705686654e-04 1.18534705686654e-04 1.18534705686654e-04 1.18534705686654e-04)))
    (local.set $q
      (f32x4.add (f32x4.mul (local.get $x2) (local.get $q))
                 (v128.const f32x4 2.26843463243900e-03 2.26843463243900e-03 2.26843463243900e-03 2.26843463243900e-03)))
    (local.set $q
      (f32x4.add (f32x4.mul (local.get $x2) (local.get $q))
                 (v128.const f32x4 4.89352518554385e-03 4.89352518554385e-03 4.89352518554385e-03 4.89352518554385e-03)))
    (f32x4.div (f32x4.mul (local.get $x) (local.get $p)) (local.get $q)))

  ;; The forward pass for `groups` groups of four sequences: the last hidden states into `out`, and
  ;; with `tracing` ≠ 0 each step's records and states.
  (func (export "forward")
    (param $groups i32) (param $steps i32) (param $channels i32) (param $units i32)
    (param $wq i32) (param $x i32) (param $out i32) (param $s i32) (param $z i32) (param $c i32)
    (param $tracing i32) (param $records i32) (param $states i32)
    (local $depth1 i32) (local $sequenceBytes i32) (local $g i32) (local $t i32) (local $k i32)
    (local $u i32) (local $tile i32) (local $p i32) (local $w i32) (local $sp i32) (local $end i32)
    (local $rec i32) (local $xg i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $v v128)
    (local $in v128) (local $forget v128) (local $cand v128) (local $outg v128) (local $cell v128)
    (local $cellTanh v128)
    (local.set $depth1 (i32.add (i32.add (local.get $channels) (local.get $units)) (i32.const 1)))
    (local.set $sequenceBytes (i32.shl (i32.mul (local.get $steps) (local.get $channels)) (i32.const 2)))
    (local.set $g (i32.const 0))
    (block $groupsDone
      (loop $group
        (br_if $groupsDone (i32.ge_u (local.get $g) (local.get $groups)))
        (local.set $xg (i32.add (local.get $x) (i32.mul (local.get $g) (i32.shl (local.get $sequenceBytes) (i32.const 2)))))
        ;; zero state: c = 0, h = 0; the bias column's constant 1
        (local.set $u (i32.const 0))
        (block $zeroDone
          (loop $zero
            (br_if $zeroDone (i32.ge_u (local.get $u) (local.get $units)))
            (v128.store (i32.add (local.get $c) (i32.shl (local.get $u) (i32.const 4))) (v128.const i32x4 0 0 0 0))
            (v128.store (i32.add (local.get $s) (i32.shl (i32.add (local.get $channels) (local.get $u)) (i32.const 4)))
                        (v128.const i32x4 0 0 0 0))
            (local.set $u (i32.add (local.get $u) (i32.const 1)))
            (br $zero)))
        (v128.store (i32.add (local.get $s) (i32.shl (i32.add (local.get $channels) (local.get $units)) (i32.const 4)))
                    (v128.const f32x4 1 1 1 1))
        (local.set $t (i32.const 0))
        (block $stepsDone
          (loop $step
            (br_if $stepsDone (i32.ge_u (local.get $t) (local.get $steps)))
            ;; x_t of the four sequences into s[0, channels)
            (local.set $k (i32.const 0))
            (block $xDone
              (loop $xLoop
                (br_if $xDone (i32.ge_u (local.get $k) (local.get $channels)))
                (local.set $p (i32.add (local.get $xg)
                  (i32.shl (i32.add (i32.mul (local.get $t) (local.get $channels)) (local.get $k)) (i32.const 2))))
                (local.set $v (f32x4.splat (f32.load (local.get $p))))
                (local.set $p (i32.add (local.get $p) (local.get $sequenceBytes)))
                (local.set $v (f32x4.replace_lane 1 (local.get $v) (f32.load (local.get $p))))
                (local.set $p (i32.add (local.get $p) (local.get $sequenceBytes)))
                (local.set $v (f32x4.replace_lane 2 (local.get $v) (f32.load (local.get $p))))
                (local.set $p (i32.add (local.get $p) (local.get $sequenceBytes)))
                (local.set $v (f32x4.replace_lane 3 (local.get $v) (f32.load (local.get $p))))
                (v128.store (i32.add (local.get $s) (i32.shl (local.get $k) (i32.const 4))) (local.get $v))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $xLoop)))
            (if (local.get $tracing)
              (then
                (memory.copy
                  (i32.add (local.get $states)
                    (i32.shl (i32.mul (i32.add (i32.mul (local.get $g) (local.get $steps)) (local.get $t)) (local.get $depth1))
                             (i32.const 4)))
                  (local.get $s)
                  (i32.shl (local.get $depth1) (i32.const 4)))))
            ;; z = wq · s, four gate rows at a time
            (local.set $w (local.get $wq))
            (local.set $tile (i32.const 0))
            (block $tilesDone
              (loop $tileLoop
                (br_if $tilesDone (i32.ge_u (local.get $tile) (local.get $units)))
                (local.set $a0 (v128.const i32x4 0 0 0 0))
                (local.set $a1 (v128.const i32x4 0 0 0 0))
                (local.set $a2 (v128.const i32x4 0 0 0 0))
                (local.set $a3 (v128.const i32x4 0 0 0 0))
                (local.set $sp (local.get $s))
                (local.set $end (i32.add (local.get $s) (i32.shl (local.get $depth1) (i32.const 4))))
                (loop $dot
                  (local.set $v (v128.load (local.get $sp)))
                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat offset=0 (local.get $w)) (local.get $v))))
                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load32_splat offset=4 (local.get $w)) (local.get $v))))
                  (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load32_splat offset=8 (local.get $w)) (local.get $v))))
                  (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load32_splat offset=12 (local.get $w)) (local.get $v))))
                  (local.set $w (i32.add (local.get $w) (i32.const 16)))
                  (local.set $sp (i32.add (local.get $sp) (i32.const 16)))
                  (br_if $dot (i32.lt_u (local.get $sp) (local.get $end))))
                (local.set $p (i32.add (local.get $z) (i32.shl (local.get $tile) (i32.const 6))))
                (v128.store offset=0 (local.get $p) (local.get $a0))
                (v128.store offset=16 (local.get $p) (local.get $a1))
                (v128.store offset=32 (local.get $p) (local.get $a2))
                (v128.store offset=48 (local.get $p) (local.get $a3))
                (local.set $tile (i32.add (local.get $tile) (i32.const 1)))
                (br $tileLoop)))
            ;; gates (input, forget, cell, output), the new cell and hidden state
            (local.set $rec (i32.add (local.get $records)
              (i32.shl (i32.mul (i32.add (i32.mul (local.get $g) (local.get $steps)) (local.get $t))
                                (i32.mul (local.get $units) (i32.const 6)))
                       (i32.const 4))))
            (local.set $u (i32.const 0))
            (block $unitsDone
              (loop $unit
                (br_if $unitsDone (i32.ge_u (local.get $u) (local.get $units)))
                (local.set $p (i32.add (local.get $z) (i32.shl (local.get $u) (i32.const 4))))
                (local.set $k (i32.shl (local.get $units) (i32.const 4)))
                (local.set $in (call $hardSigmoid (v128.load (local.get $p))))
                (local.set $forget (call $hardSigmoid (v128.load (i32.add (local.get $p) (local.get $k)))))
                (local.set $cand (call $tanh (v128.load (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 1))))))
                (local.set $outg (call $hardSigmoid (v128.load (i32.add (local.get $p) (i32.mul (local.get $k) (i32.const 3))))))
                (local.set $p (i32.add (local.get $c) (i32.shl (local.get $u) (i32.const 4))))
                (local.set $cell (f32x4.add (f32x4.mul (local.get $forget) (v128.load (local.get $p)))
                                            (f32x4.mul (local.get $in) (local.get $cand))))
                (local.set $cellTanh (call $tanh (local.get $cell)))
                (v128.store (local.get $p) (local.get $cell))
                (v128.store (i32.add (local.get $s) (i32.shl (i32.add (local.get $channels) (local.get $u)) (i32.const 4)))
                            (f32x4.mul (local.get $outg) (local.get $cellTanh)))
                (if (local.get $tracing)
                  (then
                    (local.set $p (i32.add (local.get $rec) (i32.shl (local.get $u) (i32.const 4))))
                    (v128.store (local.get $p) (local.get $in))
                    (local.set $p (i32.add (local.get $p) (local.get $k)))
                    (v128.store (local.get $p) (local.get $forget))
                    (local.set $p (i32.add (local.get $p) (local.get $k)))
                    (v128.store (local.get $p) (local.get $cand))
                    (local.set $p (i32.add (local.get $p) (local.get $k)))
                    (v128.store (local.get $p) (local.get $outg))
                    (local.set $p (i32.add (local.get $p) (local.get $k)))
                    (v128.store (local.get $p) (local.get $cell))
                    (local.set $p (i32.add (local.get $p) (local.get $k)))
                    (v128.store (local.get $p) (local.get $cellTanh))))
                (local.set $u (i32.add (local.get $u) (i32.const 1)))
                (br $unit)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $step)))
        ;; the last hidden states, one lane per sequence
        (local.set $u (i32.const 0))
        (block $outDone
          (loop $outLoop
            (br_if $outDone (i32.ge_u (local.get $u) (local.get $units)))
            (local.set $v (v128.load (i32.add (local.get $s) (i32.shl (i32.add (local.get $channels) (local.get $u)) (i32.const 4)))))
            (local.set $p (i32.add (local.get $out)
              (i32.shl (i32.add (i32.mul (i32.shl (local.get $g) (i32.const 2)) (local.get $units)) (local.get $u)) (i32.const 2))))
            (local.set $k (i32.shl (local.get $units) (i32.const 2)))
            (f32.store (local.get $p) (f32x4.extract_lane 0 (local.get $v)))
            (local.set $p (i32.add (local.get $p) (local.get $k)))
            (f32.store (local.get $p) (f32x4.extract_lane 1 (local.get $v)))
            (local.set $p (i32.add (local.get $p) (local.get $k)))
            (f32.store (local.get $p) (f32x4.extract_lane 2 (local.get $v)))
            (local.set $p (i32.add (local.get $p) (local.get $k)))
            (f32.store (local.get $p) (f32x4.extract_lane 3 (local.get $v)))
            (local.set $u (i32.add (local.get $u) (i32.const 1)))
            (br $outLoop)))
        (local.set $g (i32.add (local.get $g) (i32.const 1)))
        (br $group)))
  )

  ;; The backward pass for `groups` groups, from the records and states a traced forward pass left and
  ;; the gradients of the last hidden states in `dlast`: adds each (gate row, column) product to
  ;; `dacc`. `zero` is a record of zeros (the cell state before the first step); `dz` holds a group's
  ;; pre-activation gradients for every step (4·units vectors each); `dh`, `dc` units4 and units
  ;; vectors.
  (func (export "backward")
    (param $groups i32) (param $steps i32) (param $channels i32) (param $units i32)
    (param $wb i32) (param $records i32) (param $states i32) (param $dlast i32) (param $zero i32)
    (param $dz i32) (param $dh i32) (param $dc i32) (param $dacc i32)
    (local $depth1 i32) (local $units4 i32) (local $width i32) (local $recordBytes i32) (local $unitBytes i32)
    (local $g i32) (local $t i32) (local $u i32) (local $k i32) (local $j i32) (local $tile i32)
    (local $p i32) (local $rec i32) (local $prev i32) (local $dzt i32) (local $w i32) (local $end i32)
    (local $sp i32) (local $stride i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $v v128)
    (local $in v128) (local $forget v128) (local $cand v128) (local $outg v128) (local $cellTanh v128)
    (local $dhu v128) (local $cellGrad v128)
    (local.set $depth1 (i32.add (i32.add (local.get $channels) (local.get $units)) (i32.const 1)))
    (local.set $units4 (i32.and (i32.add (local.get $units) (i32.const 3)) (i32.const -4)))
    (local.set $width (i32.shl (local.get $units) (i32.const 2)))
    (local.set $unitBytes (i32.shl (local.get $units) (i32.const 4)))
    (local.set $recordBytes (i32.mul (local.get $unitBytes) (i32.const 6)))
    (local.set $g (i32.const 0))
    (block $groupsDone
      (loop $group
        (br_if $groupsDone (i32.ge_u (local.get $g) (local.get $groups)))
        ;; dh from dlast, one lane per sequence; dc = 0
        (local.set $u (i32.const 0))
        (block $startDone
          (loop $start
            (br_if $startDone (i32.ge_u (local.get $u) (local.get $units4)))
            (local.set $v (v128.const i32x4 0 0 0 0))
            (if (i32.lt_u (local.get $u) (local.get $units))
              (then
                (local.set $p (i32.add (local.get $dlast)
                  (i32.shl (i32.add (i32.mul (i32.shl (local.get $g) (i32.const 2)) (local.get $units)) (local.get $u)) (i32.const 2))))
                (local.set $k (i32.shl (local.get $units) (i32.const 2)))
                (local.set $v (f32x4.splat (f32.load (local.get $p))))
                (local.set $p (i32.add (local.get $p) (local.get $k)))
                (local.set $v (f32x4.replace_lane 1 (local.get $v) (f32.load (local.get $p))))
                (local.set $p (i32.add (local.get $p) (local.get $k)))
                (local.set $v (f32x4.replace_lane 2 (local.get $v) (f32.load (local.get $p))))
                (local.set $p (i32.add (local.get $p) (local.get $k)))
                (local.set $v (f32x4.replace_lane 3 (local.get $v) (f32.load (local.get $p))))
                (v128.store (i32.add (local.get $dc) (i32.shl (local.get $u) (i32.const 4))) (v128.const i32x4 0 0 0 0))))
            (v128.store (i32.add (local.get $dh) (i32.shl (local.get $u) (i32.const 4))) (local.get $v))
            (local.set $u (i32.add (local.get $u) (i32.const 1)))
            (br $start)))
        (local.set $t (local.get $steps))
        (block $stepsDone
          (loop $step
            (br_if $stepsDone (i32.eqz (local.get $t)))
            (local.set $t (i32.sub (local.get $t) (i32.const 1)))
            (local.set $rec (i32.add (local.get $records)
              (i32.mul (i32.add (i32.mul (local.get $g) (local.get $steps)) (local.get $t)) (local.get $recordBytes))))
            (local.set $prev (select (i32.sub (local.get $rec) (local.get $recordBytes)) (local.get $zero) (local.get $t)))
            (local.set $dzt (i32.add (local.get $dz) (i32.shl (i32.mul (local.get $t) (local.get $width)) (i32.const 4))))
            ;; the pre-activations' gradients, and the cell state's for the step before
            (local.set $u (i32.const 0))
            (block $unitsDone
              (loop $unit
                (br_if $unitsDone (i32.ge_u (local.get $u) (local.get $units)))
                (local.set $p (i32.add (local.get $rec) (i32.shl (local.get $u) (i32.const 4))))
                (local.set $in (v128.load (local.get $p)))
                (local.set $forget (v128.load (i32.add (local.get $p) (local.get $unitBytes))))
                (local.set $cand (v128.load (i32.add (local.get $p) (i32.shl (local.get $unitBytes) (i32.const 1)))))
                (local.set $outg (v128.load (i32.add (local.get $p) (i32.mul (local.get $unitBytes) (i32.const 3)))))
                (local.set $cellTanh (v128.load (i32.add (local.get $p) (i32.mul (local.get $unitBytes) (i32.const 5)))))
                (local.set $dhu (v128.load (i32.add (local.get $dh) (i32.shl (local.get $u) (i32.const 4)))))
                (local.set $p (i32.add (local.get $dc) (i32.shl (local.get $u) (i32.const 4))))
                (local.set $cellGrad
                  (f32x4.add (v128.load (local.get $p))
                    (f32x4.mul (f32x4.mul (local.get $dhu) (local.get $outg))
                      (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $cellTanh) (local.get $cellTanh))))))
                (v128.store (local.get $p) (f32x4.mul (local.get $cellGrad) (local.get $forget)))
                (local.set $p (i32.add (local.get $dzt) (i32.shl (local.get $u) (i32.const 4))))
                (v128.store (local.get $p)
                  (f32x4.mul (f32x4.mul (local.get $cellGrad) (local.get $cand)) (call $hardSigmoidSlope (local.get $in))))
                (local.set $p (i32.add (local.get $p) (local.get $unitBytes)))
                (v128.store (local.get $p)
                  (f32x4.mul
                    (f32x4.mul (local.get $cellGrad)
                      (v128.load (i32.add (i32.add (local.get $prev) (i32.shl (local.get $unitBytes) (i32.const 2)))
                                          (i32.shl (local.get $u) (i32.const 4)))))
                    (call $hardSigmoidSlope (local.get $forget))))
                (local.set $p (i32.add (local.get $p) (local.get $unitBytes)))
                (v128.store (local.get $p)
                  (f32x4.mul (f32x4.mul (local.get $cellGrad) (local.get $in))
                    (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $cand) (local.get $cand)))))
                (local.set $p (i32.add (local.get $p) (local.get $unitBytes)))
                (v128.store (local.get $p)
                  (f32x4.mul (f32x4.mul (local.get $dhu) (local.get $cellTanh)) (call $hardSigmoidSlope (local.get $outg))))
                (local.set $u (i32.add (local.get $u) (i32.const 1)))
                (br $unit)))
            ;; dh for the step before: the recurrent kernel times dz, four units at a time
            (local.set $w (local.get $wb))
            (local.set $tile (i32.const 0))
            (block $tilesDone
              (loop $tileLoop
                (br_if $tilesDone (i32.ge_u (local.get $tile) (local.get $units4)))
                (local.set $a0 (v128.const i32x4 0 0 0 0))
                (local.set $a1 (v128.const i32x4 0 0 0 0))
                (local.set $a2 (v128.const i32x4 0 0 0 0))
                (local.set $a3 (v128.const i32x4 0 0 0 0))
                (local.set $sp (local.get $dzt))
                (local.set $end (i32.add (local.get $dzt) (i32.shl (local.get $width) (i32.const 4))))
                (loop $dot
                  (local.set $v (v128.load (local.get $sp)))
                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat offset=0 (local.get $w)) (local.get $v))))
                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load32_splat offset=4 (local.get $w)) (local.get $v))))
                  (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load32_splat offset=8 (local.get $w)) (local.get $v))))
                  (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load32_splat offset=12 (local.get $w)) (local.get $v))))
                  (local.set $w (i32.add (local.get $w) (i32.const 16)))
                  (local.set $sp (i32.add (local.get $sp) (i32.const 16)))
                  (br_if $dot (i32.lt_u (local.get $sp) (local.get $end))))
                (local.set $p (i32.add (local.get $dh) (i32.shl (local.get $tile) (i32.const 4))))
                (v128.store offset=0 (local.get $p) (local.get $a0))
                (v128.store offset=16 (local.get $p) (local.get $a1))
                (v128.store offset=32 (local.get $p) (local.get $a2))
                (v128.store offset=48 (local.get $p) (local.get $a3))
                (local.set $tile (i32.add (local.get $tile) (i32.const 4)))
                (br $tileLoop)))
            (br $step)))
        ;; dacc[j, k] += Σ_t dz_t[j] · s_t[k], four gate rows j at a time
        (local.set $stride (i32.shl (local.get $depth1) (i32.const 4)))
        (local.set $j (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_u (local.get $j) (local.get $width)))
            (local.set $k (i32.const 0))
            (block $columnsDone
              (loop $columns
                (br_if $columnsDone (i32.ge_u (local.get $k) (local.get $depth1)))
                (local.set $p (i32.add (local.get $dacc)
                  (i32.shl (i32.add (i32.mul (local.get $j) (local.get $depth1)) (local.get $k)) (i32.const 4))))
                (local.set $a0 (v128.load (local.get $p)))
                (local.set $a1 (v128.load (i32.add (local.get $p) (local.get $stride))))
                (local.set $a2 (v128.load (i32.add (local.get $p) (i32.shl (local.get $stride) (i32.const 1)))))
                (local.set $a3 (v128.load (i32.add (local.get $p) (i32.mul (local.get $stride) (i32.const 3)))))
                (local.set $sp (i32.add (local.get $states)
                  (i32.shl (i32.add (i32.mul (i32.mul (local.get $g) (local.get $steps)) (local.get $depth1)) (local.get $k))
                           (i32.const 4))))
                (local.set $w (i32.add (local.get $dz) (i32.shl (local.get $j) (i32.const 4))))
                (local.set $end (i32.add (local.get $w) (i32.shl (i32.mul (local.get $steps) (local.get $width)) (i32.const 4))))
                (loop $sum
                  (local.set $v (v128.load (local.get $sp)))
                  (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=0 (local.get $w)) (local.get $v))))
                  (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $w)) (local.get $v))))
                  (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $w)) (local.get $v))))
                  (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $w)) (local.get $v))))
                  (local.set $sp (i32.add (local.get $sp) (local.get $stride)))
                  (local.set $w (i32.add (local.get $w) (i32.shl (local.get $width) (i32.const 4))))
                  (br_if $sum (i32.lt_u (local.get $w) (local.get $end))))
                (v128.store (local.get $p) (local.get $a0))
                (v128.store (i32.add (local.get $p) (local.get $stride)) (local.get $a1))
                (v128.store (i32.add (local.get $p) (i32.shl (local.get $stride) (i32.const 1))) (local.get $a2))
                (v128.store (i32.add (local.get $p) (i32.mul (local.get $stride) (i32.const 3))) (local.get $a3))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $columns)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $rows)))
        (local.set $g (i32.add (local.get $g) (i32.const 1)))
        (br $group)))
  )
)
