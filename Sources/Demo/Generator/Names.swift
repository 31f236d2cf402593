/// Plausible names and places for the samples: a mix of European names, the kind a copy of a
/// production system in Europe would hold. Invented; any likeness is a coincidence.
enum Names {
    static let first = [
        "Amelia", "Lukas", "Sofia", "Mateo", "Emma", "Noah", "Ines", "Jonas", "Chloé", "Liam", "Freja", "Oskar", "Maja",
        "Luca", "Aino", "Hugo", "Zofia", "Elias", "Nora", "Tomás", "Leonie", "Arjun", "Marta", "Kenji", "Aylin", "Ruben",
    ]
    static let last = [
        "Clarke", "Müller", "Rossi", "García", "Dubois", "Jansen", "Nowak", "Lindqvist", "Silva", "Kowalski", "Moreau",
        "Schneider", "Costa", "Virtanen", "Hansen", "O'Brien", "Novák", "Fischer", "Martins", "Bianchi", "Keller", "Ortega",
    ]
    static let cities = [
        ("Lisbon", "PT", "1100"), ("Berlin", "DE", "10115"), ("Lyon", "FR", "69002"), ("Milan", "IT", "20121"),
        ("Utrecht", "NL", "3511"), ("Kraków", "PL", "31-008"), ("Gothenburg", "SE", "411 05"), ("Dublin", "IE", "D02"),
        ("Valencia", "ES", "46001"), ("Tampere", "FI", "33100"), ("Brno", "CZ", "602 00"), ("Graz", "AT", "8010"),
    ]
    static let streets = [
        "Rua Augusta", "Kastanienallee", "Rue Mercière", "Via Torino", "Oudegracht", "ul. Floriańska", "Linnégatan",
        "Camden Street", "Carrer de la Pau", "Hämeenkatu", "Masarykova", "Herrengasse",
    ]

    static func person(_ rng: inout SplitMix64) -> (first: String, last: String) {
        (rng.pick(first), rng.pick(last))
    }

    /// "amelia.clarke42@example.com": only example domains, never a real mailbox.
    static func email(first: String, last: String, _ rng: inout SplitMix64) -> String {
        let domains = ["example.com", "example.org", "example.net", "mail.example", "post.example"]
        let local = ascii(first) + rng.pick([".", "_", ""]) + ascii(last) + (rng.chance(40) ? String(rng.int(1...99)) : "")
        return local + "@" + rng.pick(domains)
    }

    /// A phone number in a range reserved for fiction where one exists (+44 7700 900xxx), or
    /// one that looks like a country's mobile format.
    static func phone(_ rng: inout SplitMix64) -> String {
        switch rng.below(3) {
        case 0: return "+44 7700 900" + digits(3, &rng)
        case 1: return "+49 151 " + digits(8, &rng)
        default: return "+351 91" + digits(1, &rng) + " " + digits(3, &rng) + " " + digits(3, &rng)
        }
    }

    static func digits(_ count: Int, _ rng: inout SplitMix64) -> String {
        String((0..<count).map { _ in Character(String(rng.below(10))) })
    }

    /// Lower-case ASCII for an e-mail's local part ("Chloé Müller" → "chloe", "muller").
    static func ascii(_ text: String) -> String {
        let map: [Character: String] = ["é": "e", "ü": "u", "á": "a", "ó": "o", "ö": "o", "ä": "a", "å": "a", "ł": "l", "ń": "n", "'": ""]
        return text.lowercased().map { map[$0] ?? String($0) }.joined()
    }
}
