-- Fuldtidsaktiverede by tilbud per month, area and group (family tilbud, the y##c01 tables; the
-- union with each row's group in `ydelsesgruppe` comes from warehouse/familier.py). One column per
-- tilbud type, from the rows of the jobindsats member labels.
with tilbud as (
    {tilbud}
)
select periode, omraade_kode, ydelsesgruppe, kilde, datagrundlag,
    sum(antal_fuldtidsaktiverede) filter (where tilbud = 'Tilbud i alt') as tilbud_i_alt,
    sum(antal_fuldtidsaktiverede) filter (where tilbud = 'Vejledning og opkvalificering i alt')
        as vejledning_opkvalificering,
    sum(antal_fuldtidsaktiverede) filter (where tilbud = 'Virksomhedspraktik i alt') as virksomhedspraktik,
    sum(antal_fuldtidsaktiverede) filter (where tilbud = 'Privat ansættelse med løntilskud') as loentilskud_privat,
    sum(antal_fuldtidsaktiverede) filter (where tilbud = 'Offentlig ansættelse med løntilskud i alt')
        as loentilskud_offentlig
from tilbud
group by periode, omraade_kode, ydelsesgruppe, kilde, datagrundlag
