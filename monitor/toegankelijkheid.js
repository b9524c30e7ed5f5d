// The document settings Streamlit does not let an app make itself (monitor/ui.py runs this on
// every page, also before login): the page's language, Dutch names for Streamlit's own chrome,
// a text alternative for the tiles' trend lines, and the sidebar links as a navigation landmark.
// Streamlit 1.67 serves index.html with lang="en" and English aria-labels; React re-renders
// parts of the page at every rerun, so a MutationObserver applies the same rules to what is
// added later. Only attributes and the text of known chrome elements are touched, never
// figures. The gap that remains (the served HTML says "en" until this runs) is written down in
// docs/toegankelijkheidsverklaring.md.
(() => {
  if (window.__flevomonitorToegankelijkheid) return;
  window.__flevomonitorToegankelijkheid = true;
  const doc = window.document;

  // English chrome text -> Dutch (aria-label, title, placeholder and a few texts).
  const VAST = {
    "Skip to main content": "Naar de inhoud",
    "Sidebar": "Zijbalk",
    "Collapse sidebar": "Zijbalk inklappen",
    "Expand sidebar": "Zijbalk uitklappen",
    "App pages": "Pagina's",
    "Choose an option": "Kies een optie",
    "Choose options": "Kies opties",
    "Open": "Openen",
    "Close": "Sluiten",
    "Clear all": "Alles wissen",
    "Clear value": "Wissen",
    "Link to heading": "Link naar deze kop",
    "Download as CSV": "Downloaden als CSV",
    "Search": "Zoeken",
    "Fullscreen": "Volledig scherm",
    "Close fullscreen": "Volledig scherm sluiten",
    "Exit fullscreen": "Volledig scherm sluiten",
    "Show/hide columns": "Kolommen tonen/verbergen",
    "Add row": "Rij toevoegen",
    "Delete row(s)": "Rij(en) verwijderen",
    "Main menu": "Hoofdmenu",
    "Running...": "Bezig...",
    "Stop": "Stoppen",
    "Drag and drop file here": "Sleep een bestand hierheen",
    "Browse files": "Bestand kiezen",
    "Upload": "Uploaden",
    "No results": "Geen resultaten",
    "Selected values": "Gekozen waarden",
    "file upload": "Bestand uploaden",
  };
  const PATRONEN = [
    [/^Help for (.+)$/, "Uitleg bij $1"],
    [/^Remove (.+)$/, "$1 verwijderen"],
    [/^Selected (.+)\. $/, "Gekozen: $1. "],
    [/^Limit (.+) per file(.*)$/, "Hoogstens $1 per bestand$2"],
    [/^(.+) — start$/, "$1 — vanaf"],
    [/^(.+) — end$/, "$1 — tot en met"],
  ];
  const vertaal = (tekst) => {
    if (!tekst) return null;
    const t = tekst.trim();
    if (Object.prototype.hasOwnProperty.call(VAST, t)) return VAST[t];
    for (const [patroon, vervanging] of PATRONEN) {
      if (patroon.test(t)) return t.replace(patroon, vervanging);
    }
    return null;
  };
  const ATTRIBUTEN = ["aria-label", "title", "placeholder", "data-title"];
  // elements whose own text is Streamlit chrome (never a figure or supplier text)
  const TEKST = '[data-testid="stSkipToContent"], [data-testid="stFileUploaderDropzoneInstructions"] span, '
    + '[data-testid="stStatusWidget"] label';
  // set only what differs: every change is a mutation this script observes
  const zet = (el, attribuut, waarde) => {
    if (el.getAttribute(attribuut) !== waarde) el.setAttribute(attribuut, waarde);
  };

  const getal = new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 2 });

  // A tile's trend line (st.metric chart_data, drawn by Vega): a name that says what it shows
  // instead of one "x: 3; y: 831" per point, which screen readers would read one by one.
  const trendlijn = (vega) => {
    const tegel = vega.closest('[data-testid="stMetric"]');
    if (!tegel) return;
    const label = tegel.querySelector('[data-testid="stMetricLabel"]');
    // one point per quarter with a figure, labelled "x: 3; y: 831": in the order of x
    const punten = new Map();
    for (const p of vega.querySelectorAll('[aria-label^="x: "]')) {
      const m = /^x: (\d+); y: (-?[\d.]+)/.exec(p.getAttribute("aria-label"));
      if (m) punten.set(Number(m[1]), Number(m[2]));
    }
    const waarden = [...punten.keys()].sort((a, b) => a - b).map((x) => punten.get(x));
    const naam = (label ? label.textContent.trim() : "") || "dit cijfer";
    let tekst = `Trendlijn ${naam}`;
    if (waarden.length > 1) {
      const laag = Math.min(...waarden), hoog = Math.max(...waarden);
      tekst += ` over de afgelopen kwartalen: van ${getal.format(waarden[0])} naar `
        + `${getal.format(waarden[waarden.length - 1])} (laagste ${getal.format(laag)}, `
        + `hoogste ${getal.format(hoog)})`;
    }
    zet(vega, "role", "img");
    zet(vega, "aria-label", tekst);
    vega.querySelectorAll("svg, canvas").forEach((e) => zet(e, "aria-hidden", "true"));
  };

  const pas_toe = (wortel) => {
    if (doc.documentElement.lang !== "nl") doc.documentElement.lang = "nl";
    const alle = wortel.querySelectorAll
      ? [wortel, ...wortel.querySelectorAll(ATTRIBUTEN.map((a) => `[${a}]`).join(","))]
      : [];
    for (const el of alle) {
      if (!el.getAttribute) continue;
      for (const attribuut of ATTRIBUTEN) {
        const nieuw = vertaal(el.getAttribute(attribuut));
        if (nieuw !== null) zet(el, attribuut, nieuw);
      }
    }
    if (wortel.querySelectorAll) {
      for (const el of wortel.querySelectorAll(TEKST)) {
        const nieuw = vertaal(el.textContent);
        if (nieuw !== null && el.children.length === 0) el.textContent = nieuw;
      }
      wortel.querySelectorAll('[data-testid="stMetric"] .vega-embed, '
        + '[data-testid="stMetric"] [aria-label="Vega visualization"]').forEach(trendlijn);
      // the sidebar's page links (monitor.ui.navigatie) are the site navigation
      wortel.querySelectorAll(".st-key-navigatie").forEach((nav) => {
        zet(nav, "role", "navigation");
        zet(nav, "aria-label", "Pagina's");
        // the link of the page shown is announced as such (Streamlit only colours it): the
        // one whose href is the path's last part, else the default page (href "")
        const links = [...nav.querySelectorAll("a[href]")];
        const hier = window.location.pathname.replace(/\/+$/, "").split("/").pop();
        const huidig = links.find((a) => a.getAttribute("href") === hier)
          || links.find((a) => a.getAttribute("href") === "");
        for (const a of links) {
          if (a === huidig) zet(a, "aria-current", "page");
          else if (a.hasAttribute("aria-current")) a.removeAttribute("aria-current");
        }
      });
    }
  };

  let gepland = false;
  const later = () => {
    if (gepland) return;
    gepland = true;
    // once per animation frame, however many nodes React changed
    window.requestAnimationFrame(() => { gepland = false; pas_toe(doc.body); });
  };
  new MutationObserver(later).observe(doc.documentElement, {
    childList: true, subtree: true, attributes: true,
    attributeFilter: ["lang", ...ATTRIBUTEN],
  });
  pas_toe(doc.body);
})();
