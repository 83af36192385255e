noise and tf inside .control: a divider, one resistor noiseless (reference printed by ngspice 39: see make.sh)
v1 1 0 dc 1 ac 1
r1 1 2 10k
r2 2 0 10k noisy=0
c2 2 0 1n
.control
noise v(2) v1 dec 10 1 100k 1
print onoise_total inoise_total
setplot noise1
print onoise_spectrum[0] inoise_spectrum[0] onoise_r1_thermal[0]
tf v(2) v1
print all
.endc
.end
