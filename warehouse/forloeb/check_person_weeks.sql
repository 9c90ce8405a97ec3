-- Invariant: every person-week with a mapped code lies in exactly one spell of its group, and no person
-- has two codes in one week. Over runs: the mapped person-weeks are the lengths of the mapped runs, the weeks
-- inside spells the overlaps of each run with the spells of its group, and a week with two codes is a run
-- starting before an earlier run of the person has ended. Returns (mapped person-weeks, weeks inside spells,
-- runs overlapping an earlier run).
select
    (select coalesce(sum(p.sidste_uge - p.foerste_uge + 1), 0) from person.dream_perioder as p
        join forloeb_dream_koder as k using (kode) where k.gruppe_nr is not null),
    (select coalesce(sum(least(p.sidste_uge, f.slut_uge) - greatest(p.foerste_uge, f.start_uge) + 1), 0)
        from person.dream_perioder as p
        join forloeb_dream_koder as k using (kode)
        join person.dream_forloeb as f
            on f.person_nr = p.person_nr and f.gruppe_nr = k.gruppe_nr
            and p.foerste_uge <= f.slut_uge and p.sidste_uge >= f.start_uge),
    (select count(*) from (
        select foerste_uge <= max(sidste_uge) over (
            partition by person_nr order by foerste_uge, sidste_uge rows between unbounded preceding and 1 preceding
        ) as overlapper
        from person.dream_perioder
    ) where overlapper)
