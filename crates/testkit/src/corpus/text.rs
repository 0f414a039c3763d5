//! The demo corpus's text: original sentences written for this project about an invented
//! but plausible Danish energy transition. People and organisations are fictional; places
//! are real. Each actor group has its own vocabulary so that the networks show communities,
//! and shared names (the minister, the companies, the places) recur across groups as
//! bridges.

/// Which camp a website belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    Government,
    Industry,
    Ngo,
    News,
    Research,
    Sceptic,
}

impl Group {
    /// The group as a `sector` category, the way the demo curates it.
    pub fn sector(self) -> &'static str {
        match self {
            Group::Government => "government",
            Group::Industry => "industry",
            Group::Ngo => "ngo",
            Group::News => "news",
            Group::Research => "research",
            Group::Sceptic => "sceptic",
        }
    }
}

pub(crate) fn sentences(group: Group, danish: bool) -> &'static [&'static str] {
    match (group, danish) {
        (Group::Government, true) => GOVERNMENT_DA,
        (Group::Government, false) => GOVERNMENT_EN,
        (Group::Industry, true) => INDUSTRY_DA,
        (Group::Industry, false) => INDUSTRY_EN,
        (Group::Ngo, true) => NGO_DA,
        (Group::Ngo, false) => NGO_EN,
        (Group::News, true) => NEWS_DA,
        (Group::News, false) => NEWS_EN,
        (Group::Research, true) => RESEARCH_DA,
        (Group::Research, false) => RESEARCH_EN,
        (Group::Sceptic, true) => SCEPTIC_DA,
        (Group::Sceptic, false) => SCEPTIC_EN,
    }
}

pub(crate) fn comments(danish: bool) -> &'static [&'static str] {
    if danish { COMMENTS_DA } else { COMMENTS_EN }
}

const GOVERNMENT_DA: &[&str] = &[
    "Klimaminister Mette Holm fremlagde i dag regeringens plan for udbygning af havvind i Nordsøen.",
    "Energiagenturet vurderer, at den samlede kapacitet fra havvindmøller kan firedobles inden 2035.",
    "Ministeriet har sendt lovforslaget om grøn fjernvarme i høring hos kommunerne.",
    "Udbuddet af de nye havvindparker sker efter en model med statsligt medejerskab.",
    "Regeringen afsætter en milliardpulje til elektrificering af industrien og transportsektoren.",
    "Energiagenturet offentliggør hvert år en klimastatus med fremskrivninger af udledningen.",
    "Kommunerne skal i den nye aftale udpege arealer til solceller og landvindmøller.",
    "Naboer til store energianlæg får fremover en højere kompensation og en andel i overskuddet.",
    "Mette Holm understregede, at forsyningssikkerheden har første prioritet i omstillingen.",
    "Esbjerg Havn bliver udpeget som knudepunkt for installation og service af havvind.",
    "Lovforslaget giver Energiagenturet hjemmel til at fremskynde miljøvurderinger.",
    "Regeringen vil halvere sagsbehandlingstiden for tilladelser til vedvarende energi.",
    "Klimaloven forpligter Danmark til en reduktion på sytti procent i forhold til niveauet i 1990.",
    "Lolland Kommune har vedtaget en lokalplan for et af landets største solcelleanlæg.",
    "Ministeriet følger anbefalingerne fra Klimarådgiverne om en afgift på landbrugets udledning.",
    "Det statslige netselskab skal forstærke elnettet mellem Jylland og Sjælland.",
];

const GOVERNMENT_EN: &[&str] = &[
    "Climate Minister Mette Holm presented the government's plan to expand offshore wind in the North Sea.",
    "The Danish Energy Office expects offshore capacity to quadruple before 2035.",
    "The ministry has opened a consultation with municipalities on green district heating.",
    "New offshore wind tenders will include a state co-ownership model.",
    "The government has set aside a fund for electrifying industry and transport.",
    "Each year the agency publishes a climate outlook with projections of national emissions.",
    "Under the new agreement municipalities must designate land for solar parks and onshore turbines.",
    "Neighbours of large energy installations will receive higher compensation and a share of the profits.",
    "Mette Holm stressed that security of supply remains the first priority of the transition.",
    "The Port of Esbjerg has been designated a hub for installing and servicing offshore wind farms.",
    "The climate law commits Denmark to a seventy percent reduction compared with 1990 levels.",
    "The state grid operator will reinforce the transmission link between Jutland and Zealand.",
];

const INDUSTRY_DA: &[&str] = &[
    "Nordvind har indgået kontrakt om levering af tres møller til en havvindpark ud for Thy.",
    "Direktør Anders Vestergaard forventer rekordomsætning drevet af ordrer fra Nordsøen.",
    "Havkraft søger tilladelse til en energiø med elektrolyseanlæg og kabelforbindelser.",
    "Solmark opfører et anlæg med solpaneler på otte hundrede hektar ved Nakskov.",
    "Brintfabrikken i Esbjerg producerer grøn brint til skibsfart og tung transport.",
    "Branchen efterspørger hurtigere nettilslutning og stabile rammevilkår for investeringer.",
    "Produktionen af vingerne flyttes til en ny fabrik med plads til flere samlebånd.",
    "Dansk Energiindustri advarer om mangel på faglærte montører og elektrikere.",
    "Virksomheden har underskrevet en elkøbsaftale med en stor datacenteroperatør.",
    "Biogasanlæggene leverer nu en fjerdedel af gassen i det danske gasnet.",
    "Anders Vestergaard mener, at Power-to-X kan blive Danmarks næste eksporteventyr.",
    "Havkraft har hentet ny kapital fra pensionskasser til projektet ved Bornholm.",
    "Prisen på solcellemoduler er faldet, og det forbedrer økonomien i nye parker.",
    "Nordvind indfører genanvendelige vinger for at mindske affaldet fra nedtagne møller.",
    "Leverandørerne i Esbjerg oplever travlhed med fundamenter, kabler og servicefartøjer.",
    "Branchen forventer, at elektrolysekapaciteten når to gigawatt inden for ti år.",
];

const INDUSTRY_EN: &[&str] = &[
    "Havkraft has signed a contract to supply sixty turbines to an offshore wind farm off Thy.",
    "Chief executive Anders Vestergaard expects record revenue driven by North Sea orders.",
    "Havkraft is applying for permission to build an energy island with electrolysers and cables.",
    "The company has agreed a power purchase agreement with a large data centre operator.",
    "Investors are asking for faster grid connection and a stable regulatory framework.",
    "Blade production is moving to a new factory with room for more assembly lines.",
    "Gridlink will install high-voltage cables connecting the energy island to the mainland.",
    "Anders Vestergaard believes Power-to-X could become Denmark's next export success.",
    "Pension funds have committed new capital to the Bornholm offshore project.",
    "Falling module prices have improved the economics of new solar parks.",
    "Suppliers in Esbjerg report strong demand for foundations, cables and service vessels.",
    "The industry expects electrolysis capacity to reach two gigawatts within a decade.",
];

const NGO_DA: &[&str] = &[
    "Grøn Fremtid kræver, at regeringen udfaser kul og gas hurtigere end planlagt.",
    "Talsperson Sofie Lund kalder klimaplanen for et skridt i den rigtige retning, men for langsomt.",
    "Organisationen samlede tusindvis af underskrifter for et stop for nye oliefelter i Nordsøen.",
    "Klimabevægelsen arrangerer demonstration foran Christiansborg på lørdag.",
    "Fugle og Natur advarer om, at havvindmøller kan forstyrre trækfuglenes ruter.",
    "Naturhensyn skal indtænkes fra begyndelsen, når nye energiparker planlægges.",
    "Energifællesskaber giver borgerne mulighed for selv at eje vindmøller og solceller.",
    "Sofie Lund peger på, at landbrugets udledning stadig er det store hul i klimaregnskabet.",
    "Grøn Fremtid støtter en afgift på drivhusgasser fra landbruget med kompensation til små bedrifter.",
    "Andelsmodellen fra vindmøllelaugene i firserne bør genopstå, mener organisationen.",
    "Biodiversiteten på land lider, når solceller placeres på værdifuld natur.",
    "Klimabevægelsen kritiserer, at brint bruges som undskyldning for at forsinke elektrificeringen.",
    "Medlemmerne vil have ambitiøse mål for energibesparelser i bygninger og varmepumper.",
    "Fugle og Natur har kortlagt levesteder for havørn og trane nær de planlagte parker.",
];

const NGO_EN: &[&str] = &[
    "The Nordic Nature Alliance calls on the government to phase out coal and gas sooner.",
    "Spokesperson Sofie Lund called the climate plan a step in the right direction but too slow.",
    "Campaigners gathered thousands of signatures for a halt to new oil fields in the North Sea.",
    "Offshore turbines may disturb the routes of migrating birds, the alliance warns.",
    "Nature must be considered from the start when new energy parks are planned.",
    "Community energy lets citizens own wind turbines and solar panels themselves.",
    "Sofie Lund points out that agricultural emissions remain the biggest gap in the climate budget.",
    "Biodiversity on land suffers when solar panels cover valuable habitats.",
    "Climate Action Denmark criticises using hydrogen as an excuse to delay electrification.",
    "Members want ambitious targets for energy savings in buildings and for heat pumps.",
    "The alliance has mapped habitats of white-tailed eagles and cranes near the planned parks.",
    "Volunteers organised a climate march through Copenhagen on Saturday.",
];

const NEWS_DA: &[&str] = &[
    "Borgermødet i forsamlingshuset trak fuldt hus, da kommunen præsenterede planerne for vindmøllerne.",
    "Flere lodsejere ved Lolland har fået tilbud om forpagtning af jord til solceller.",
    "Naboerne frygter støj, skyggekast og faldende huspriser, siger formanden for grundejerforeningen.",
    "Byrådet i Esbjerg stemte for en udvidelse af havnen med nye kajarealer.",
    "Klimaminister Mette Holm besøgte i går værftet og lovede flere lokale arbejdspladser.",
    "Den lokale fjernvarmeværk skifter fra gas til en stor varmepumpe og overskudsvarme.",
    "Fiskerne i Thyborøn er bekymrede for, hvordan havvindparken påvirker fiskepladserne.",
    "Nordvind ansætter to hundrede medarbejdere på fabrikken, skriver avisen.",
    "Elprisen steg kraftigt i vinter, og mange husstande overvejer nu solceller på taget.",
    "På Bornholm diskuterer borgerne, om energiøen vil gavne eller skade turismen.",
    "Kommunalbestyrelsen udsatte beslutningen om kæmpemøllerne efter protester fra naboer.",
    "Peter Kjær fra Fornuftig Energi deltog i debatten og kritiserede prisen på havvind.",
    "Havkraft har lovet en lokal fond, der skal støtte foreninger i nærområdet.",
    "Byggeriet af biogasanlægget er forsinket, fordi miljøgodkendelsen blev påklaget.",
    "Lokalpolitikerne er uenige om, hvor de nye højspændingsmaster skal placeres.",
    "Skolebørn fra Aarhus besøgte brintfabrikken og så elektrolysen i drift.",
];

const NEWS_EN: &[&str] = &[
    "A packed town hall meeting heard the municipality present its plans for the turbines.",
    "Residents fear noise, shadow flicker and falling house prices, the local association says.",
    "Climate Minister Mette Holm visited the shipyard and promised more local jobs.",
    "The district heating plant is switching from gas to a large heat pump and waste heat.",
    "Fishermen in Thyborøn worry about how the offshore wind farm will affect fishing grounds.",
    "Electricity prices rose sharply last winter and many households are considering rooftop solar.",
    "On Bornholm residents debate whether the energy island will help or harm tourism.",
    "Peter Kjær of Sensible Energy joined the debate and criticised the cost of offshore wind.",
    "Havkraft has promised a local fund to support clubs and associations near the project.",
    "Copenhagen councillors disagree over where the new high-voltage pylons should go.",
    "Nordvind is hiring two hundred workers at its factory, the paper reports.",
    "Schoolchildren from Aarhus visited the hydrogen plant and watched the electrolysers at work.",
];

const RESEARCH_DA: &[&str] = &[
    "Forskere ved Institut for Energisystemer har modelleret et elsystem med halvfems procent vedvarende energi.",
    "Professor Karen Nielsen peger på lagring og fleksibelt forbrug som nøglen til balancen.",
    "Studiet viser, at sektorkobling mellem el, varme og transport sænker de samlede omkostninger.",
    "Modellen tager højde for vejrår med lidt vind, den såkaldte mørke vindstille periode.",
    "Vestjysk Universitet undersøger korrosion på fundamenter til havvindmøller.",
    "Rapporten estimerer de samfundsøkonomiske gevinster ved energiøer i Nordsøen.",
    "Forskningsprojektet måler, hvordan varmepumper kan flytte forbruget væk fra spidslasten.",
    "Karen Nielsen advarer om, at prognoserne for brint bygger på usikre antagelser om pris.",
    "Livscyklusanalysen sammenligner klimaaftrykket fra solceller, vindmøller og biogas.",
    "Dataene stammer fra målestationer langs kysten og fra satellitmålinger af vindhastighed.",
    "Ph.d.-studerende har udviklet en algoritme, der forudsiger produktionen fra solcelleparker.",
    "Den nye undersøgelse finder, at lokalt ejerskab øger opbakningen til vindmøller markant.",
    "Forskerne anbefaler en kombination af CO2-afgift og målrettede tilskud til omstillingen.",
    "Institut for Energisystemer har offentliggjort sine scenarier som åbne data.",
];

const RESEARCH_EN: &[&str] = &[
    "Researchers at the North Sea Energy Lab modelled a power system with ninety percent renewables.",
    "Professor Karen Nielsen points to storage and flexible demand as the key to balancing the grid.",
    "The study shows that sector coupling between power, heat and transport lowers total costs.",
    "The model accounts for weather years with little wind, the so-called dark doldrums.",
    "The report estimates the socio-economic benefits of energy islands in the North Sea.",
    "Karen Nielsen warns that hydrogen forecasts rest on uncertain assumptions about price.",
    "The life-cycle assessment compares the carbon footprint of solar, wind and biogas.",
    "A doctoral student has developed an algorithm that forecasts output from solar parks.",
    "The survey finds that local ownership markedly increases support for wind turbines.",
    "The researchers recommend combining a carbon tax with targeted subsidies for the transition.",
    "Electrolyser efficiency and membrane lifetime remain the main research questions for hydrogen.",
    "The Hydrogen Research Centre has published its scenarios as open data.",
];

const SCEPTIC_DA: &[&str] = &[
    "Fornuftig Energi mener, at regningen for havvind ender hos skatteyderne.",
    "Formand Peter Kjær kalder støtten til energiøen for et milliardspild.",
    "Kæmpemøller på land ødelægger landskabet og skaber gener for naboerne, skriver foreningen.",
    "Foreningen kræver en uvildig undersøgelse af møllestøj og lavfrekvent støj.",
    "Naboer mod Møller har indgivet klage over lokalplanen i Thy.",
    "Vi risikerer strømafbrydelser, når kraftværkerne lukker, og vinden ikke blæser, siger Peter Kjær.",
    "Subsidierne til vedvarende energi forvrider markedet og presser elprisen op for industrien.",
    "Landskabsværn peger på, at solcellemarker beslaglægger god landbrugsjord.",
    "Foreningen foreslår at satse på atomkraft i stedet for flere vindmøller.",
    "Medlemmerne klager over, at kompensationen til naboer er alt for lav.",
    "Prognoserne for brint er glansbilleder uden hold i virkeligheden, mener kritikerne.",
    "Borgergruppen har samlet underskrifter mod højspændingsmaster gennem ådalen.",
    "Skatteydernes Energiforum har regnet på prisen pr. sparet ton CO2 og finder den for høj.",
];

const SCEPTIC_EN: &[&str] = &[
    "Sensible Energy argues that taxpayers will pay the bill for offshore wind.",
    "Chairman Peter Kjær calls support for the energy island a waste of billions.",
    "Giant onshore turbines spoil the landscape and disturb neighbours, the group writes.",
    "The group demands an independent study of turbine noise and low-frequency sound.",
    "We risk blackouts when power stations close and the wind does not blow, says Peter Kjær.",
    "Subsidies for renewables distort the market and push up power prices for industry.",
    "Solar farms take up good farmland, the Energy Realism Forum points out.",
    "The forum proposes investing in nuclear power instead of more wind turbines.",
    "Hydrogen forecasts are wishful thinking with no basis in reality, critics say.",
    "The forum has calculated the cost per tonne of CO2 saved and finds it too high.",
    "Members complain that compensation for neighbours is far too low.",
];

const COMMENTS_DA: &[&str] = &[
    "Godt skrevet, men hvad med prisen for almindelige familier?",
    "Jeg bor tæt på og har ikke oplevet nogen gener.",
    "Hvorfor hører man aldrig om lagring af strømmen?",
    "Endelig sker der noget.",
    "Det her burde have været besluttet for ti år siden.",
];

const COMMENTS_EN: &[&str] = &[
    "Well written, but what about the cost for ordinary families?",
    "I live nearby and have never noticed any disturbance.",
    "Why does nobody talk about storing the power?",
    "About time something happened.",
    "This should have been decided ten years ago.",
];
