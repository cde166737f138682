// Does a text carry the current date? Learners may print a date in many shapes;
// any of the common ones for today (or a neighbouring day, for time zones) counts.

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

function dayCandidates(now: Date): Date[] {
  return [-1, 0, 1].map((d) => new Date(now.getTime() + d * 86_400_000));
}

export function containsCurrentDate(text: string, now = new Date()): boolean {
  const t = text.toLowerCase();
  for (const d of dayCandidates(now)) {
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth() + 1;
    const day = d.getUTCDate();
    const mm = String(m).padStart(2, "0");
    const dd = String(day).padStart(2, "0");
    const mon = MONTHS[m - 1]!;
    const forms = [
      `${y}-${mm}-${dd}`, // ISO
      `${mon} ${dd} ${y}`, // toDateString: "Nov 25 2026"
      `${day} ${mon} ${y}`, // toUTCString: "25 Nov 2026"
      `${dd} ${mon} ${y}`,
      `${m}/${day}/${y}`, // en-US
      `${mm}/${dd}/${y}`,
      `${day}/${m}/${y}`, // en-GB
      `${dd}/${mm}/${y}`,
      `${dd}.${mm}.${y}`,
      `${day}.${m}.${y}`,
    ];
    if (forms.some((f) => t.includes(f))) return true;
  }
  // Epoch milliseconds or seconds within a day of now.
  for (const match of t.matchAll(/\b\d{10}(\d{3})?\b/g)) {
    const n = Number(match[0]);
    const ms = match[0].length === 13 ? n : n * 1000;
    if (Math.abs(ms - now.getTime()) < 86_400_000) return true;
  }
  return false;
}
