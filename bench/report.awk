# The tables of bench/run, from three tab-separated files:
#   TOOLS:     tool (or "-" for a row with a note), scenario, label, waits
#              for exec, note; in the order of the rows
#   SCENARIOS: scenario, title, header of the "waits" column, header of
#              the ratio column; in the order of the tables
#   RESULTS:   scenario, tool, round, microseconds, KiB; a line per start
# Each table's first row is the baseline of its ratios. mawk has no sort.
BEGIN { FS = "\t" }

function sort(a, n,   i, j, v) {
	for (i = 2; i <= n; i++) {
		v = a[i]
		for (j = i - 1; j >= 1 && a[j] > v; j--)
			a[j + 1] = a[j]
		a[j + 1] = v
	}
}

function median(a, n) {
	sort(a, n)
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

function ms(us) {
	return sprintf("%.3f", us / 1000)
}

FILENAME == ARGV[1] {
	n = ++rows[$2]
	row[$2, n] = $1
	label[$2, n] = $3
	waits[$2, n] = $4
	note[$2, n] = $5
	if ($1 != "-")
		tool[$2, $3] = $1
	next
}

FILENAME == ARGV[2] {
	title[$1] = $2
	waitshdr[$1] = $3
	ratiohdr[$1] = $4
	order[++nscen] = $1
	next
}

{
	if (!(($2, $3) in nstarts)) {
		rounds[$2, ++nrounds[$2]] = $3
		nstarts[$2, $3] = 0
	}
	us[$2, $3, ++nstarts[$2, $3]] = $4
	kib[$2, ++nkib[$2]] = $5
}

function table(s,   base, r, t) {
	printf "\n### %s\n\n", title[s]
	printf "| launcher | %s | per start (median) | " \
	    "min-max over rounds | %s | peak RSS |\n", waitshdr[s], ratiohdr[s]
	print "|---|:-:|--:|--:|--:|--:|"
	base = row[s, 1]
	for (r = 1; r <= rows[s]; r++) {
		t = row[s, r]
		if (!(t in med)) {
			printf "| %s | | %s | | | |\n", label[s, r],
			    t == "-" ? note[s, r] : "failed"
			continue
		}
		printf "| %s | %s | %s ms | %s-%s | %s | %d KiB |\n",
		    label[s, r], waits[s, r], ms(med[t]), ms(lo[t]), ms(hi[t]),
		    (base in med) ? sprintf("%.2f", med[t] / med[base]) : "",
		    rss[t]
	}
}

# The median of scenario s's row labelled l, or "" if it has none.
function of(s, l) {
	return ((s, l) in tool) && (tool[s, l] in med) ? med[tool[s, l]] : ""
}

# The goals of the readiness issue: waiting costs at most 0.5 ms over a
# plain start; --stop returns within 2 ms of the daemon's exit.
function ready_goals(   p, w, l, d) {
	p = of("ready", "daemonize (plain start)")
	for (w = 1; w <= 2; w++) {
		l = w == 1 ? "daemonize -w fd:3" : "daemonize -w notify"
		if (p == "" || of("ready", l) == "")
			continue
		d = of("ready", l) - p
		printf "- `%s` at most 0.5 ms over a plain start: %s ms (%s)\n",
		    substr(l, 11), ms(d), d <= 500 ? "met" : "missed"
	}
	d = of("stop", "daemonize --stop")
	if (d != "")
		printf "- `--stop` returns within 2 ms of the daemon's exit: " \
		    "%s ms (%s)\n", ms(d), d <= 2000 ? "met" : "missed"
}

# The goals of issue 5: aims, not assertions.
function goals(   f, d, s, o, b, f1, sfx) {
	print "\n### Goals\n"
	f = of("pidlog", "floor -p -o")
	d = of("pidlog", "daemonize -p -o")
	if (f != "" && d != "")
		printf "- `daemonize -p -o` at most 1.10× the floor: %.3f× (%s)\n",
		    d / f, d <= 1.10 * f ? "met" : "missed"
	for (s = 1; s <= nscen; s++) {
		sfx = order[s] == "pidlog" ? " -p -o" : ""
		o = of(order[s], "daemonize -1" sfx)
		b = of(order[s], "bmc daemonize" sfx)
		f1 = of(order[s], "floor -1" sfx)
		if (o == "" || b == "")
			continue
		printf "- `daemonize -1%s` no slower than bmc daemonize: %s vs " \
		    "%s ms (%s)%s\n", sfx, ms(o), ms(b), o <= b ? "met" : "missed",
		    f1 != "" ? sprintf("; the floor with one fork: %s ms",
		    ms(f1)) : ""
	}
}

# Per tool: the median of its rounds' means, their range, its median RSS.
# A round's mean, not its median: start times can be bimodal (on a VM, one
# CPU may run slower than the other, and where a launcher lands is luck),
# and a median jumps between the modes from round to round.
function summarize(t,   r, k, c, a, m, sum) {
	for (r = 1; r <= nrounds[t]; r++) {
		c = rounds[t, r]
		sum = 0
		for (k = 1; k <= nstarts[t, c]; k++)
			sum += us[t, c, k]
		m[r] = sum / nstarts[t, c]
		if (r == 1 || m[r] < lo[t])
			lo[t] = m[r]
		if (r == 1 || m[r] > hi[t])
			hi[t] = m[r]
	}
	med[t] = median(m, nrounds[t])
	for (k = 1; k <= nkib[t]; k++)
		a[k] = kib[t, k]
	rss[t] = median(a, nkib[t])
}

END {
	for (t in nrounds)
		summarize(t)
	for (s = 1; s <= nscen; s++)
		table(order[s])
	goals()
	ready_goals()
}
