-- Invariant: every person-week with a mapped code lies in exactly one spell of its group, and no person
-- has two codes in one week. Returns (mapped person-weeks, weeks inside spells, weeks with two codes).
select
    (select count(*) from person.dream_uger as u join forloeb_dream_koder as k using (kode) where k.gruppe_nr is not null),
    (select count(*) from person.dream_uger as u
        join forloeb_dream_koder as k using (kode)
        join person.dream_forloeb as f
            on f.person_nr = u.person_nr and f.gruppe_nr = k.gruppe_nr and u.uge between f.start_uge and f.slut_uge),
    (select count(*) from (select person_nr, uge from person.dream_uger group by all having count(*) > 1))
