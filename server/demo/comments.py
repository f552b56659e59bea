"""What demo shoppers write, in their own languages: closing remarks by mood and notes on failed items."""

from __future__ import annotations

STOOD_OUT = {
    "good": {
        "en": [
            "The adviser took real time to understand what I needed and suggested a cheaper option that suited me better.",
            "Spotless shop, warm welcome at the door, and I was served within a minute. Best visit this quarter.",
            "Staff member remembered a detail I mentioned earlier and followed it up without being asked.",
        ],
        "fr": [
            "Accueil chaleureux et conseils précis ; la vendeuse a pris le temps de comparer deux modèles avec moi.",
            "Boutique impeccable, attente très courte, et on m'a remercié en m'invitant à revenir.",
        ],
        "de": [
            "Sehr kompetente Beratung, freundlich und ohne Verkaufsdruck. Der Laden war sauber und gut beschildert.",
            "Der Mitarbeiter hat ehrlich gesagt, dass er es nicht wusste, und die Antwort sofort nachgeschlagen.",
        ],
        "es": [
            "Me atendieron enseguida y con una sonrisa; la explicación del producto fue clara y completa.",
            "Trato excelente: el dependiente escuchó mi problema y me ofreció dos alternativas razonables.",
        ],
        "pl": [
            "Bardzo miła obsługa, krótka kolejka i rzetelne informacje o produkcie. Chętnie wrócę.",
            "Sprzedawczyni wysłuchała mnie do końca i zaproponowała tańsze rozwiązanie.",
        ],
        "ar": [
            "استقبال ممتاز وخدمة سريعة، وشرح الموظف المنتج بوضوح ودون أي ضغط للشراء.",
            "المحل نظيف ومرتب، والموظفة كانت لطيفة جداً وقدمت لي أكثر من خيار مناسب.",
        ],
        "ja": [
            "入店してすぐに笑顔で声をかけてもらい、説明もとても丁寧でした。",
            "店内は清潔で、スタッフは私の話を最後まで聞いてから複数の選択肢を提案してくれました。",
        ],
    },
    "mixed": {
        "en": [
            "Friendly enough, but I waited a while and the answer about the warranty turned out to be wrong.",
            "Knowledgeable staff, though the counter area was cluttered and nobody said goodbye.",
            "Good product advice; the queue was hard to find and there was no sign for the service desk.",
        ],
        "fr": [
            "Vendeur compétent mais pressé ; il ne m'a pas vraiment laissé expliquer mon besoin.",
            "Magasin propre, mais l'attente a dépassé cinq minutes sans que personne ne me salue.",
        ],
        "de": [
            "Fachlich in Ordnung, aber die Wartezeit war lang und niemand hat mich begrüßt.",
            "Freundliche Mitarbeiterin, allerdings wurde mir nur ein einziges Produkt angeboten.",
        ],
        "es": [
            "La atención fue correcta pero algo mecánica; la tienda estaba limpia.",
            "Esperé bastante en la cola, aunque después el dependiente fue amable y paciente.",
        ],
        "pl": [
            "Obsługa poprawna, ale czekałem ponad pięć minut i nikt mnie nie przywitał.",
            "Sprzedawca znał produkt, jednak mówił szybko i nie zadawał pytań.",
        ],
        "ar": [
            "الموظف كان مهذباً لكن الانتظار طال أكثر من اللازم ولم يسألني عن احتياجاتي.",
        ],
        "ja": [
            "説明は分かりやすかったですが、レジの待ち時間が長く、案内表示も見つけにくかったです。",
        ],
    },
    "bad": {
        "en": [
            "Nobody greeted me, the floor was dirty, and I was pushed towards an expensive add-on I did not need.",
            "Staff were chatting behind the counter and ignored me for several minutes. Would not return.",
        ],
        "fr": [
            "Personne ne m'a accueilli, et le prix en caisse ne correspondait pas à l'étiquette.",
        ],
        "de": [
            "Unfreundlich und desinteressiert; auf meine Frage bekam ich eine falsche Auskunft.",
        ],
        "es": [
            "Nadie me saludó y me insistieron mucho para contratar un seguro adicional.",
        ],
        "pl": [
            "Brudny sklep, długie czekanie i nieprawdziwe informacje o gwarancji.",
        ],
        "ar": [
            "لم يرحب بي أحد، وكان السعر عند الدفع أعلى من السعر المعروض.",
        ],
        "ja": [
            "誰にも声をかけられず、質問への回答も間違っていました。残念な対応でした。",
        ],
    },
}

FAILED_ITEM = {
    "open_at_posted_hours": {
        "en": [
            "Door still locked at 9:10 although the sign says 9:00.",
            "Closed for 'stock taking' in the middle of the afternoon, no notice online.",
        ],
        "fr": "Porte encore fermée à 9 h 10 alors que l'affiche indique 9 h.",
        "de": "Um 9:10 Uhr noch geschlossen, obwohl 9:00 Uhr angeschrieben ist.",
        "es": "A las 9:10 seguía cerrado aunque el horario indica las 9:00.",
        "pl": "O 9:10 drzwi były jeszcze zamknięte, choć godziny otwarcia to 9:00.",
        "ar": "كان الباب مغلقاً الساعة 9:10 مع أن اللافتة تقول 9:00.",
        "ja": "営業時間は9時からと表示されていましたが、9時10分になっても閉まっていました。",
    },
    "price_matched": {
        "en": [
            "Shelf label said 24.99 but I was charged 29.99; the cashier did not correct it.",
            "Promotion price on the poster was not applied at the till.",
        ],
        "fr": "Étiquette à 24,99 mais 29,99 encaissé ; la caissière n'a pas corrigé.",
        "de": "Am Regal 24,99, an der Kasse 29,99 berechnet; nicht korrigiert.",
        "es": "La etiqueta decía 24,99 y me cobraron 29,99; no lo corrigieron.",
        "pl": "Na półce 24,99, przy kasie naliczono 29,99; nikt tego nie poprawił.",
        "ar": "السعر على الرف 24.99 لكن دفعت 29.99 ولم يتم التصحيح.",
        "ja": "棚の表示は24.99でしたが、会計では29.99を請求され、訂正されませんでした。",
    },
    "no_pressure_selling": {
        "en": [
            "Asked three times whether I wanted the extended warranty.",
            "Told the offer 'ends today' to hurry me into buying.",
            "Kept adding accessories to the basket after I said no.",
        ],
        "fr": "On m'a proposé trois fois l'extension de garantie.",
        "de": "Dreimal wurde mir die Garantieverlängerung angeboten.",
        "es": "Me ofrecieron la garantía ampliada tres veces.",
        "pl": "Trzy razy proponowano mi przedłużoną gwarancję.",
        "ar": "عُرض علي تمديد الضمان ثلاث مرات.",
        "ja": "延長保証を3回も勧められました。",
    },
    "greeted_within_minute": {
        "en": [
            "About three minutes before anyone looked up.",
            "Two staff at the counter carried on their conversation.",
            "Only greeted once I walked up to the till.",
        ],
        "fr": "Environ trois minutes avant qu'on me remarque.",
        "de": "Etwa drei Minuten, bis mich jemand bemerkt hat.",
        "es": "Unos tres minutos hasta que alguien me miró.",
        "pl": "Około trzech minut, zanim ktoś mnie zauważył.",
        "ar": "حوالي ثلاث دقائق قبل أن ينتبه إلي أحد.",
        "ja": "誰かが気づいてくれるまで約3分かかりました。",
    },
}
"""Notes a shopper may add to a failed item, by question key and language (a text or a list of variants)."""
