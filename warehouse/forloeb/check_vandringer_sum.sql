-- Invariant: per kommune, month and målgruppe, the vandringer into it sum to the forløb started in it.
with started as (
    select strftime(startdato, '%YM%m') as periode, kommune_kode as omraade_kode, maalgruppe as til_maalgruppe,
        count(*) as antal
    from person.maalgruppeforloeb
    group by all
),
into_group as (
    select periode, omraade_kode, til_maalgruppe, sum(antal) as antal
    from mart.vandringer_maalgruppe
    where omraade_kode in (select kommune_kode from person.udtraek where kilde = 'fagsystem')
    group by all
)
select * from started full join into_group using (periode, omraade_kode, til_maalgruppe)
where started.antal is distinct from into_group.antal
