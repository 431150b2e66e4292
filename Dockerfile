FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/IpsApi.Server -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV Database__Provider=Postgres
EXPOSE 8080
ENTRYPOINT ["./ipsapi"]
CMD ["serve", "--urls", "http://0.0.0.0:8080"]
