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
		    (base in med) ? sprintf("%.2f", paired(t, base, 1, 0)) : "",
		    rss[t]
	}
}

# Tool t against tool b, round by round (they took turns within each
# round, so a round's load hits both): the median over the rounds of t's
# mean over b's (RATIO 1) or of t's mean minus b's (RATIO 0), the range in
# plo and phi. QUARTER 1 takes each round's fastest-quarter start (its
# 25th percentile) instead of its mean: what load elsewhere slows least.
function paired(t, b, ratio, quarter,   r, c, n, v, x, y) {
	n = 0
	for (r = 1; r <= nrounds[t]; r++) {
		c = rounds[t, r]
		if (!((b, c) in mean))
			continue
		x = quarter ? q25[t, c] : mean[t, c]
		y = quarter ? q25[b, c] : mean[b, c]
		v[++n] = ratio ? x / y : x - y
		if (n == 1 || v[n] < plo)
			plo = v[n]
		if (n == 1 || v[n] > phi)
			phi = v[n]
	}
	return median(v, n)
}

# The median of scenario s's row labelled l, or "" if it has none.
function of(s, l) {
	return ((s, l) in tool) && (tool[s, l] in med) ? med[tool[s, l]] : ""
}

# goal(TEXT, FIGURE, MET): one line of the goals list.
function goal(text, figure, met) {
	printf "- %s: %s (%s)\n", text, figure, met ? "met" : "missed"
}

# ratio(SCEN, LABEL, BASE, MAX, TEXT): LABEL over BASE, round by round,
# to MAX; judged on the means, the fastest quarters' figure beside it.
function ratio(s, l, b, max, text,   v, q) {
	if (of(s, l) == "" || of(s, b) == "")
		return
	q = paired(tool[s, l], tool[s, b], 1, 1)
	v = paired(tool[s, l], tool[s, b], 1, 0)
	goal(text, sprintf("%.3f× (rounds %.3f-%.3f; fastest quarters %.3f×)",
	    v, plo, phi, q), v <= max)
}

# over(SCEN, LABEL, BASE, MAX_US, TEXT): LABEL minus BASE, round by round.
function over(s, l, b, max, text,   v, q) {
	if (of(s, l) == "" || of(s, b) == "")
		return
	q = paired(tool[s, l], tool[s, b], 0, 1)
	v = paired(tool[s, l], tool[s, b], 0, 0)
	goal(text, sprintf("%s ms (rounds %s to %s; fastest quarters %s ms)",
	    ms(v), ms(plo), ms(phi), ms(q)), v <= max)
}

# The goals, aims and not assertions: issue 9's (the speed of a start
# against floors doing the same work), then the earlier ones still held.
function goals(   s, sfx, o, b, f1, d) {
	print "\n### Goals\n"
	ratio("pidlog", "daemonize -p -o", "floor -p -o", 1.10,
	    "`daemonize -p -o` at most 1.10× `floor -p -o`")
	ratio("ready", "daemonize -w fd:3", "floor -w (newline on fd 3)", 1.10,
	    "`daemonize -w fd:3` at most 1.10× `floor -w`")
	over("ready", "daemonize -w notify", "daemonize -w fd:3", 300,
	    "`-w notify` at most 0.3 ms over `-w fd:3`")
	over("turns", "daemonize -w notify", "daemonize -w fd:3", 300,
	    "`-w notify` at most 0.3 ms over `-w fd:3`, the two taking " \
	    "turns start by start")
	over("ready", "daemonize -w fd:3", "daemonize (plain start)", 500,
	    "`-w fd:3` at most 0.5 ms over a plain start")
	over("ready", "daemonize -w notify", "daemonize (plain start)", 500,
	    "`-w notify` at most 0.5 ms over a plain start")
	for (s = 1; s <= nscen; s++) {
		sfx = order[s] == "pidlog" ? " -p -o" : ""
		o = of(order[s], "daemonize -1" sfx)
		b = of(order[s], "bmc daemonize" sfx)
		f1 = of(order[s], "floor -1" sfx)
		if (o == "" || b == "")
			continue
		goal("`daemonize -1" sfx "` no slower than bmc daemonize",
		    ms(o) " vs " ms(b) " ms" (f1 != "" ? "; the floor with " \
		    "one fork: " ms(f1) " ms" : ""), o <= b)
	}
	d = of("stop", "daemonize --stop")
	if (d != "")
		goal("`--stop` returns within 2 ms of the daemon's exit",
		    ms(d) " ms", d <= 2000)
}

# The 25th percentile of tool t's starts in round c.
function quartile(t, c,   k, a, n) {
	n = nstarts[t, c]
	for (k = 1; k <= n; k++)
		a[k] = us[t, c, k]
	sort(a, n)
	return a[int((n - 1) / 4) + 1]
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
		m[r] = mean[t, c] = sum / nstarts[t, c]
		q25[t, c] = quartile(t, c)
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
}
